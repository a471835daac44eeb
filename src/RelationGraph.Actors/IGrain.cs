namespace RelationGraph.Actors;

/// <summary>Marker for grain interfaces. Every method must return <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or <see cref="ValueTask{TResult}"/>.</summary>
public interface IGrain;
