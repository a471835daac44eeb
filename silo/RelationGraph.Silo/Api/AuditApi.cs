using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using RelationGraph.Abstractions.Audit;
using RelationGraph.Grains.Audit;
using RelationGraph.Silo.Api.Protection;

namespace RelationGraph.Silo.Api;

/// <summary>The auditor's endpoints: <c>/v1/audit/runs</c> and <c>/v1/audit/realtime</c>.</summary>
public static class AuditApi
{
    /// <summary>Maps <c>/v1/audit/...</c>.</summary>
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder endpoints)
    {
        var audit = endpoints.MapGroup("/v1/audit").RequireApiScope(ApiScopes.Admin);

        audit.MapPost("/runs", async (AuditRunRequest? request, IGrainFactory grains) =>
        {
            if (!Enum.TryParse<AuditKind>(request?.Kind, ignoreCase: true, out var kind) || AuditorGrain.KindName(kind) != request?.Kind)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid argument",
                    detail: $"Unknown audit kind '{request?.Kind}': use \"full\" or \"incremental\".");
            }

            try
            {
                var run = await grains.GetGrain<IAuditorGrain>(0).StartRunAsync(kind);
                return Results.Json(AuditRunView.Of(run), statusCode: StatusCodes.Status202Accepted);
            }
            catch (AuditRunConflictException conflict)
            {
                return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Run already running", detail: conflict.Message);
            }
        })
            .WithName("StartAuditRun")
            .WithSummary("Start a full or incremental audit run")
            .Produces<AuditRunView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict);

        audit.MapGet("/runs/{runId}", async (string runId, IGrainFactory grains) =>
            await grains.GetGrain<IAuditorGrain>(0).GetRunAsync(runId) is { } run
                ? Results.Json(AuditRunView.Of(run))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No audit run {runId}."))
            .WithName("GetAuditRun")
            .WithSummary("One audit run")
            .Produces<AuditRunView>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        audit.MapGet("/runs", async (int? limit, IGrainFactory grains) =>
            new { Items = (await grains.GetGrain<IAuditorGrain>(0).GetRunsAsync(limit ?? 20)).Select(AuditRunView.Of) })
            .WithName("GetAuditRuns")
            .WithSummary("The latest audit runs, newest first");

        audit.MapGet("/realtime", async (IGrainFactory grains) =>
        {
            var totals = await grains.GetGrain<IAuditorGrain>(0).GetRealtimeTotalsAsync();
            return new { totals.Checked, Found = AuditCountsView.Of(totals.Found), Repaired = AuditCountsView.Of(totals.Repaired) };
        })
            .WithName("GetRealtimeAudit")
            .WithSummary("The real-time check's totals since the silo started");

        return endpoints;
    }

    /// <summary>The body of <c>POST /v1/audit/runs</c>.</summary>
    public sealed record AuditRunRequest(string? Kind);

    /// <summary>A run as the API shows it.</summary>
    public sealed record AuditRunView(
        string RunId, string Kind, string State, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long Scanned,
        AuditCountsView Found, AuditCountsView Repaired, double EdgesPerSecond, long Purged, double Progress)
    {
        /// <summary>The view of <paramref name="run"/>.</summary>
        public static AuditRunView Of(AuditRun run) => new(
            run.RunId, AuditorGrain.KindName(run.Kind), run.State.ToString().ToLowerInvariant(), run.StartedAt, run.FinishedAt, run.Scanned,
            AuditCountsView.Of(run.Found), AuditCountsView.Of(run.Repaired), Math.Round(run.EdgesPerSecond, 1), run.Purged, run.Progress);
    }

    /// <summary>Counts by kind, as the API shows them.</summary>
    public sealed record AuditCountsView(long MissingFan, long OrphanFan, long StaleFan, long CountDrift)
    {
        /// <summary>The view of <paramref name="counts"/>.</summary>
        public static AuditCountsView Of(AuditCounts counts) => new(counts.MissingFan, counts.OrphanFan, counts.StaleFan, counts.CountDrift);
    }
}
