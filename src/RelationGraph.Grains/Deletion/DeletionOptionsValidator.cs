using Microsoft.Extensions.Options;

namespace RelationGraph.Grains.Deletion;

/// <summary>Refuses to start with deletion settings that could not make progress.</summary>
public sealed class DeletionOptionsValidator : IValidateOptions<DeletionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, DeletionOptions options)
    {
        var failures = new List<string>();
        if (options.PageSize is < 1 or > 100_000)
        {
            failures.Add($"{DeletionOptions.SectionName}:PageSize must be between 1 and 100,000 (has {options.PageSize}).");
        }

        if (options.SliceDuration <= TimeSpan.Zero || options.PollInterval <= TimeSpan.Zero || options.ResumePeriod <= TimeSpan.Zero)
        {
            failures.Add($"{DeletionOptions.SectionName}:SliceDuration, PollInterval and ResumePeriod must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
