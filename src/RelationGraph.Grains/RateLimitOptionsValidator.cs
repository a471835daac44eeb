using Microsoft.Extensions.Options;

namespace RelationGraph.Grains;

/// <summary>Refuses to start with a rate limit that could never let a write through.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = Enum.GetValues<UserWriteKind>()
            .Select(kind => (Kind: kind, Limit: options.For(kind)))
            .Where(k => k.Limit.Burst < 1 || !(k.Limit.PerSecond > 0) || k.Limit.PerDay < k.Limit.Burst)
            .Select(k => $"{RateLimitOptions.SectionName}:{k.Kind} needs Burst >= 1, PerSecond > 0 and PerDay >= Burst " +
                $"(has {k.Limit.Burst}, {k.Limit.PerSecond}, {k.Limit.PerDay}).")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
