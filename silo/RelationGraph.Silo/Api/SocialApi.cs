using RelationGraph.Abstractions;
using RelationGraph.Silo.Api.Protection;

namespace RelationGraph.Silo.Api;

/// <summary>The REST API of friends, blocks, batch relation checks and set queries, under <c>/v1/users/{userId}</c>.</summary>
public static class SocialApi
{
    /// <summary>Maps the friend, block, relation batch and set query endpoints onto <paramref name="users"/>.</summary>
    public static RouteGroupBuilder MapSocialApi(this RouteGroupBuilder users)
    {
        users.MapPut("/friends/{otherId}", (UserId userId, UserId otherId, IGrainFactory grains) => Social(grains, userId).RequestFriendAsync(otherId))
            .WithName("RequestFriend")
            .WithSummary("Ask a user to be friends, or accept their request");
        users.MapDelete("/friends/{otherId}", (UserId userId, UserId otherId, IGrainFactory grains) => Social(grains, userId).RemoveFriendAsync(otherId))
            .WithName("RemoveFriend")
            .WithSummary("Cancel a friend request, decline one, or end a friendship");
        users.MapGet("/friends", (UserId userId, int? limit, string? cursor, IGrainFactory grains) =>
            Social(grains, userId).GetFriendsAsync(RelationGraphApi.Page(limit, cursor)))
            .WithName("GetFriends")
            .WithSummary("List a user's friends");
        users.MapGet("/friend-requests", (UserId userId, string? direction, int? limit, string? cursor, IGrainFactory grains) =>
            Social(grains, userId).GetFriendRequestsAsync(Direction(direction), RelationGraphApi.Page(limit, cursor)))
            .WithName("GetFriendRequests")
            .WithSummary("List a user's incoming or outgoing friend requests");

        users.MapPut("/blocks/{otherId}", (UserId userId, UserId otherId, IGrainFactory grains) => Social(grains, userId).BlockAsync(otherId))
            .WithName("Block")
            .WithSummary("Block a user");
        users.MapDelete("/blocks/{otherId}", (UserId userId, UserId otherId, IGrainFactory grains) => Social(grains, userId).UnblockAsync(otherId))
            .WithName("Unblock")
            .WithSummary("Unblock a user");
        users.MapGet("/blocks", (UserId userId, int? limit, string? cursor, IGrainFactory grains) =>
            Social(grains, userId).GetBlocksAsync(RelationGraphApi.Page(limit, cursor)))
            .WithName("GetBlocks")
            .WithSummary("List the users a user blocks");

        users.MapPost("/relations", (UserId userId, RelationsRequest request, IGrainFactory grains) =>
            Social(grains, userId).GetRelationsAsync(Ids(request)))
            .RequireApiScope(ApiScopes.Read)
            .WithName("GetRelations")
            .WithSummary("How a user relates to up to 1,000 others");

        users.MapGet("/mutual", (UserId userId, int? limit, string? cursor, IGrainFactory grains) =>
            Social(grains, userId).GetSetAsync(SetQuery.Mutual, null, RelationGraphApi.Page(limit, cursor)))
            .WithName("GetMutual")
            .WithSummary("Users a user follows who follow back");
        users.MapGet("/common-following/{otherId}", (UserId userId, UserId otherId, int? limit, string? cursor, IGrainFactory grains) =>
            Social(grains, userId).GetSetAsync(SetQuery.CommonFollowing, otherId, RelationGraphApi.Page(limit, cursor)))
            .WithName("GetCommonFollowing")
            .WithSummary("Users both users follow");
        users.MapGet("/following-who-follow/{otherId}", (UserId userId, UserId otherId, int? limit, string? cursor, IGrainFactory grains) =>
            Social(grains, userId).GetSetAsync(SetQuery.FollowingWhoFollow, otherId, RelationGraphApi.Page(limit, cursor)))
            .WithName("GetFollowingWhoFollow")
            .WithSummary("Users a user follows who follow the other user");
        return users;
    }

    private static ISocialGrain Social(IGrainFactory grains, UserId userId) => grains.GetGrain<ISocialGrain>(userId.Value);

    private static FriendRequestDirection Direction(string? direction) => direction switch
    {
        null or "" or "incoming" => FriendRequestDirection.Incoming,
        "outgoing" => FriendRequestDirection.Outgoing,
        _ => throw new ArgumentException($"direction must be incoming or outgoing, not '{direction}'.", nameof(direction)),
    };

    /// <summary>The ids of a batch, checked here so that a non-positive id answers with the batch rules, not a JSON error.</summary>
    private static UserId[] Ids(RelationsRequest request)
    {
        if (request.Ids is null)
        {
            throw new ArgumentException("The body must be {\"ids\":[...]} with 1 to 1000 user ids.", nameof(request));
        }

        foreach (var id in request.Ids)
        {
            if (id < 1)
            {
                throw new ArgumentException($"ids must be positive, not {id}.", nameof(request));
            }
        }

        return [.. request.Ids.Select(id => new UserId(id))];
    }
}
