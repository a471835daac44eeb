namespace RelationGraph.Actors.PostgreSql.Streams;

/// <summary>An implicit subscription: events of namespace <paramref name="Namespace"/> go to the grain keyed by the stream key.</summary>
/// <param name="Namespace">The stream namespace.</param>
/// <param name="Deliver">Deserializes the payload and calls the grain.</param>
public sealed record StreamSubscription(string Namespace, Func<IGrainFactory, long, byte[], Task> Deliver);
