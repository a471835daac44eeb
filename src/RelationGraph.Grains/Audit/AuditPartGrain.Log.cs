using Microsoft.Extensions.Logging;

namespace RelationGraph.Grains.Audit;

public abstract partial class AuditPartGrain<TState>
{
    [LoggerMessage(1, LogLevel.Warning, "Audit run {RunId} part {Part} ({Check}): a step failed ({Failures} in a row); it resumes from its checkpoint")]
    private static partial void LogStepFailed(ILogger logger, Exception exception, string check, string? runId, int part, int failures);
}
