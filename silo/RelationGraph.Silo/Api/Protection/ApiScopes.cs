namespace RelationGraph.Silo.Api.Protection;

/// <summary>
/// The scopes an API key can hold. Every <c>/v1</c> endpoint needs one: <see cref="Read"/> for GET and HEAD,
/// <see cref="Write"/> for other methods, unless the endpoint names its own with <see cref="RequireApiScope{TBuilder}"/>.
/// A key with <see cref="Admin"/> may call everything.
/// </summary>
public static class ApiScopes
{
    /// <summary>Reading lists, counts and relations.</summary>
    public const string Read = "read";

    /// <summary>Following and unfollowing.</summary>
    public const string Write = "write";

    /// <summary>Operations on the service itself: audit runs, deletions, dead-letter replay. Grants every other scope too.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope, for validation.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>([Read, Write, Admin], StringComparer.Ordinal);

    /// <summary>
    /// Makes the endpoint(s) need <paramref name="scope"/> instead of the method's default: <c>.RequireApiScope(ApiScopes.Admin)</c>
    /// on an admin endpoint or group, <c>.RequireApiScope(ApiScopes.Read)</c> on a POST that only reads.
    /// </summary>
    public static TBuilder RequireApiScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder
    {
        if (!All.Contains(scope))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "Not an API scope.");
        }

        return builder.WithMetadata(new ApiScopeMetadata(scope));
    }
}
