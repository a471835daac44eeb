using System.Text.Json.Serialization;

namespace RelationGraph.Abstractions;

/// <summary>Which way a pending friend request goes, seen from the user asking.</summary>
[GenerateSerializer, Alias("RelationGraph.FriendRequestDirection")]
[JsonConverter(typeof(JsonStringEnumConverter<FriendRequestDirection>))]
public enum FriendRequestDirection
{
    /// <summary>The other user asked this user.</summary>
    [JsonStringEnumMemberName("incoming")]
    Incoming = 1,

    /// <summary>This user asked the other user.</summary>
    [JsonStringEnumMemberName("outgoing")]
    Outgoing = 2,
}
