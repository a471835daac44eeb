namespace RelationGraph.Actors.Tests.Grains;

public interface IPingPongGrain : IGrainWithIntegerKey
{
    /// <summary>Calls <paramref name="peerKey"/>, which calls back into this grain; returns what the call back returned.</summary>
    Task<string> CallThroughPeer(long peerKey, bool interleaved);

    /// <summary>Calls <see cref="GetNameInterleaved"/> or <see cref="GetName"/> on <paramref name="callerKey"/>.</summary>
    Task<string> CallBack(long callerKey, bool interleaved);

    [AlwaysInterleave]
    Task<string> GetNameInterleaved();

    Task<string> GetName();
}

public sealed class PingPongGrain : Grain, IPingPongGrain
{
    public Task<string> CallThroughPeer(long peerKey, bool interleaved) =>
        GrainFactory.GetGrain<IPingPongGrain>(peerKey).CallBack(GetPrimaryKeyLong(), interleaved);

    public Task<string> CallBack(long callerKey, bool interleaved)
    {
        var caller = GrainFactory.GetGrain<IPingPongGrain>(callerKey);
        return interleaved ? caller.GetNameInterleaved() : caller.GetName();
    }

    public Task<string> GetNameInterleaved() => Task.FromResult(GrainId.ToString());

    public Task<string> GetName() => Task.FromResult(GrainId.ToString());
}
