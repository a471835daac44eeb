namespace RelationGraph.Grains;

/// <summary>What a fan write changed: <paramref name="Changed"/> rows, <paramref name="Added"/> of them new fans (what may push a user past a threshold).</summary>
internal readonly record struct FanWriteResult(int Changed, int Added)
{
    public static FanWriteResult operator +(FanWriteResult a, FanWriteResult b) => new(a.Changed + b.Changed, a.Added + b.Added);
}
