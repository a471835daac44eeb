namespace RelationGraph.Grains;

/// <summary>
/// Per-user write limits against follow spam, bound from <c>RelationGraph:RateLimits</c> and enforced in the user's own
/// following grain, so they hold across silos without a shared store. Bulk import and the auditor's repairs write
/// around the grains and are not limited.
/// </summary>
/// <remarks>
/// The defaults let a person follow in bursts (a new user following 50 suggestions at once) and keep going at one a
/// second, while capping a day near what large networks allow (a few hundred to a thousand follows a day); friend
/// requests are rarer and asked of strangers, so their limits are tighter. Blocks are a victim's defence against a
/// pile-on and are as generous as follows.
/// </remarks>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RelationGraph:RateLimits";

    /// <summary>Whether writes are limited. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Follows: 50 at once, 1 a second, 1,000 a day.</summary>
    public WriteRateLimit Follow { get; set; } = new() { Burst = 50, PerSecond = 1, PerDay = 1_000 };

    /// <summary>Unfollows: 50 at once, 1 a second, 1,000 a day.</summary>
    public WriteRateLimit Unfollow { get; set; } = new() { Burst = 50, PerSecond = 1, PerDay = 1_000 };

    /// <summary>Friend requests: 20 at once, one every 5 seconds, 200 a day.</summary>
    public WriteRateLimit FriendRequest { get; set; } = new() { Burst = 20, PerSecond = 0.2, PerDay = 200 };

    /// <summary>Blocks: 50 at once, 1 a second, 1,000 a day.</summary>
    public WriteRateLimit Block { get; set; } = new() { Burst = 50, PerSecond = 1, PerDay = 1_000 };

    /// <summary>The limit of <paramref name="kind"/>.</summary>
    public WriteRateLimit For(UserWriteKind kind) => kind switch
    {
        UserWriteKind.Follow => Follow,
        UserWriteKind.Unfollow => Unfollow,
        UserWriteKind.FriendRequest => FriendRequest,
        UserWriteKind.Block => Block,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
