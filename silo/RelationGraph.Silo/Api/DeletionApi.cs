using RelationGraph.Abstractions;
using RelationGraph.Abstractions.Deletion;
using RelationGraph.Silo.Api.Protection;

namespace RelationGraph.Silo.Api;

/// <summary>Account deletion, under <c>/v1/users/{userId}</c>: start it, and follow its progress. Admin keys only.</summary>
public static class DeletionApi
{
    /// <summary>Maps <c>DELETE /v1/users/{userId}</c> and <c>GET /v1/users/{userId}/deletion</c>.</summary>
    public static RouteGroupBuilder MapDeletionApi(this RouteGroupBuilder endpoints)
    {
        endpoints.MapDelete("/v1/users/{userId}", async (UserId userId, IGrainFactory grains) =>
            Results.Json(UserDeletionView.Of(await grains.GetGrain<IUserDeletionGrain>(userId.Value).DeleteAsync()), statusCode: StatusCodes.Status202Accepted))
            .RequireApiScope(ApiScopes.Admin)
            .WithTags("Users")
            .WithName("DeleteUser")
            .WithSummary("Delete a user: erase every relation of theirs, both directions and both copies")
            .WithDescription("Starts the deletion and answers at once; a second call answers the same deletion. From now on the user's lists, " +
                "and relations to or from the user, answer 410.")
            .Produces<UserDeletionView>(StatusCodes.Status202Accepted);

        endpoints.MapGet("/v1/users/{userId}/deletion", async (UserId userId, IGrainFactory grains) =>
            await grains.GetGrain<IUserDeletionGrain>(userId.Value).GetAsync() is { } deletion
                ? Results.Json(UserDeletionView.Of(deletion))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"User {userId} was never deleted."))
            .RequireApiScope(ApiScopes.Admin)
            .WithTags("Users")
            .WithName("GetUserDeletion")
            .WithSummary("A user deletion's progress")
            .Produces<UserDeletionView>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    /// <summary>A deletion as the API shows it.</summary>
    public sealed record UserDeletionView(UserId UserId, string State, long Removed, long Total, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
    {
        /// <summary>The view of <paramref name="deletion"/>.</summary>
        public static UserDeletionView Of(UserDeletion deletion) => new(
            deletion.UserId, deletion.State.ToString().ToLowerInvariant(), deletion.Removed, deletion.Total, deletion.StartedAt, deletion.FinishedAt);
    }
}
