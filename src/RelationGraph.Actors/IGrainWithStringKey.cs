namespace RelationGraph.Actors;

/// <summary>A grain identified by a string key.</summary>
public interface IGrainWithStringKey : IGrain;
