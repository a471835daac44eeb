namespace RelationGraph.Abstractions;

/// <summary>The set queries over follows.</summary>
[GenerateSerializer, Alias("RelationGraph.SetQuery")]
public enum SetQuery
{
    /// <summary>Users the user follows who follow the user back.</summary>
    Mutual = 0,

    /// <summary>Users both the user and the other user follow.</summary>
    CommonFollowing = 1,

    /// <summary>Users the user follows who follow the other user.</summary>
    FollowingWhoFollow = 2,
}
