using RelationGraph.Abstractions;

namespace RelationGraph.Silo.Api;

/// <summary>The REST API, version 1. Every handler is one or two grain calls.</summary>
public static class RelationGraphApi
{
    /// <summary>Maps <c>/v1/users/{userId}/...</c>.</summary>
    public static IEndpointRouteBuilder MapRelationGraphApi(this IEndpointRouteBuilder endpoints)
    {
        var users = endpoints.MapGroup("/v1/users/{userId}");

        users.MapPut("/following/{targetId}", (UserId userId, UserId targetId, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).FollowAsync(targetId));

        users.MapDelete("/following/{targetId}", (UserId userId, UserId targetId, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).UnfollowAsync(targetId));

        users.MapGet("/following", (UserId userId, int? limit, string? cursor, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).GetFollowingAsync(Page(limit, cursor)));

        users.MapGet("/fans", (UserId userId, int? limit, string? cursor, IGrainFactory grains) =>
            grains.GetGrain<IFanGrain>(userId.Value).GetFansAsync(Page(limit, cursor)));

        users.MapGet("/counts", async (UserId userId, IGrainFactory grains) =>
        {
            var following = grains.GetGrain<IFollowingGrain>(userId.Value).GetFollowingCountAsync();
            var fans = grains.GetGrain<IFanGrain>(userId.Value).GetFanCountAsync();
            return new Counts(userId, await following, await fans);
        });

        users.MapGet("/relations/{otherId}", (UserId userId, UserId otherId, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).GetRelationAsync(otherId));

        endpoints.MapAuditApi();
        return endpoints;
    }

    private static PageRequest Page(int? limit, string? cursor) =>
        new PageRequest(limit ?? PageRequest.DefaultLimit, string.IsNullOrEmpty(cursor) ? null : cursor).Validate();
}
