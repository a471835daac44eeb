using System.Text.Json.Serialization;

namespace RelationGraph.Abstractions;

/// <summary>Where a friendship between two users stands, from the first user's side.</summary>
[GenerateSerializer, Alias("RelationGraph.FriendStatus")]
[JsonConverter(typeof(JsonStringEnumConverter<FriendStatus>))]
public enum FriendStatus
{
    /// <summary>Neither a friendship nor a request of the user.</summary>
    [JsonStringEnumMemberName("none")]
    None = 0,

    /// <summary>The user asked; the other has not accepted (yet).</summary>
    [JsonStringEnumMemberName("requested")]
    Requested = 1,

    /// <summary>Both asked: they are friends.</summary>
    [JsonStringEnumMemberName("friends")]
    Friends = 2,
}
