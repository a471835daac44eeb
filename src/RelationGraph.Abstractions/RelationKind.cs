namespace RelationGraph.Abstractions;

/// <summary>The weak relations whose reverse copy follows the source through the deployment's redundancy mode.</summary>
[GenerateSerializer, Alias("RelationGraph.RelationKind")]
public enum RelationKind : short
{
    /// <summary>A follow: the reverse copy is the followee's fan list.</summary>
    Follow = 0,

    /// <summary>A friend request (ask): the reverse copy is the asked user's incoming asks.</summary>
    FriendAsk = 1,
}
