using Microsoft.Extensions.Options;

namespace RelationGraph.Persistence.FanBuckets;

/// <summary>Refuses to start with fan bucket settings that could not work.</summary>
public sealed class FanBucketOptionsValidator : IValidateOptions<FanBucketOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, FanBucketOptions options)
    {
        var failures = new List<string>();
        if (options.Threshold < 1)
        {
            failures.Add($"{FanBucketOptions.SectionName}:Threshold must be at least 1 (has {options.Threshold}).");
        }

        if (options.Buckets is < 2 or > 1024)
        {
            failures.Add($"{FanBucketOptions.SectionName}:Buckets must be between 2 and 1024 (has {options.Buckets}).");
        }

        if (options.CheckEvery < 1)
        {
            failures.Add($"{FanBucketOptions.SectionName}:CheckEvery must be at least 1 (has {options.CheckEvery}).");
        }

        if (options.RefreshInterval <= TimeSpan.Zero)
        {
            failures.Add($"{FanBucketOptions.SectionName}:RefreshInterval must be positive (has {options.RefreshInterval}).");
        }

        if (options.ReadCacheTimeToLive < TimeSpan.Zero)
        {
            failures.Add($"{FanBucketOptions.SectionName}:ReadCacheTimeToLive must not be negative (has {options.ReadCacheTimeToLive}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
