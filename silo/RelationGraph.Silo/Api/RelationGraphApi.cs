using RelationGraph.Abstractions;
using RelationGraph.Client;

namespace RelationGraph.Silo.Api;

/// <summary>The REST API, version 1. Every handler is one or two grain calls.</summary>
public static class RelationGraphApi
{
    /// <summary>Maps <c>/v1/users/{userId}/...</c>.</summary>
    public static IEndpointRouteBuilder MapRelationGraphApi(this IEndpointRouteBuilder root)
    {
        // Every endpoint mapped on this group answers bad input and outages as problem details, and documents so.
        var endpoints = root.MapGroup("").WithProblemResponses();
        // A deleted user's lists, and relations to or from them, answer 410.
        var users = endpoints.MapGroup("/v1/users/{userId}").WithTags("Users").ProducesProblem(StatusCodes.Status410Gone);

        users.MapPut("/following/{targetId}", (UserId userId, UserId targetId, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).FollowAsync(targetId))
            .WithName("Follow")
            .WithSummary("Follow a user")
            .WithDescription("Makes userId follow targetId. Idempotent: following again answers changed = false.");

        users.MapDelete("/following/{targetId}", (UserId userId, UserId targetId, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).UnfollowAsync(targetId))
            .WithName("Unfollow")
            .WithSummary("Unfollow a user")
            .WithDescription("Makes userId stop following targetId. Idempotent: unfollowing a user not followed answers changed = false.");

        users.MapGet("/following", (UserId userId, int? limit, string? cursor, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).GetFollowingAsync(Page(limit, cursor)))
            .WithName("GetFollowing")
            .WithSummary("List whom a user follows")
            .WithDescription("One page, newest first; pass nextCursor as cursor for the next page. limit is 1 to 1000 (default 50).");

        users.MapGet("/fans", (UserId userId, int? limit, string? cursor, FanPageRouter fans) => fans.GetFansAsync(userId, Page(limit, cursor)))
            .WithName("GetFans")
            .WithSummary("List a user's fans")
            .WithDescription("One page of the users following userId, newest first; pass nextCursor as cursor for the next page.");

        users.MapGet("/counts", (UserId userId, IGrainFactory grains) => grains.GetGrain<ICountsGrain>(0).GetCountsAsync(userId))
            .WithName("GetCounts")
            .WithSummary("Count a user's following, fans and friends")
            .WithDescription("Read from the user's shard without activating the user's grains.");

        users.MapGet("/relations/{otherId}", (UserId userId, UserId otherId, IGrainFactory grains) =>
            grains.GetGrain<IFollowingGrain>(userId.Value).GetRelationAsync(otherId))
            .WithName("GetRelation")
            .WithSummary("How two users relate")
            .WithDescription("Whether userId follows otherId and whether otherId follows userId.");

        users.MapSocialApi();
        endpoints.MapDeletionApi();
        endpoints.MapAuditApi();
        return root;
    }

    internal static PageRequest Page(int? limit, string? cursor) =>
        new PageRequest(limit ?? PageRequest.DefaultLimit, string.IsNullOrEmpty(cursor) ? null : cursor).Validate();
}
