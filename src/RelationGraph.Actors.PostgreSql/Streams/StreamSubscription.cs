namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>An implicit subscription: events of namespace <paramref name="Namespace"/> go to the grain keyed by the stream key.</summary>
/// <param name="Namespace">The stream namespace.</param>
/// <param name="Deliver">Deserializes the payloads (one stream's events, in order) and calls the grain once with all of them.</param>
public sealed record StreamSubscription(string Namespace, Func<IGrainFactory, long, IReadOnlyList<byte[]>, Task> Deliver);
