using System.Text;

namespace RelationGraph.Actors;

/// <summary>
/// A 64-bit hash that is the same in every process and on every machine (unlike <see cref="string.GetHashCode()"/>):
/// FNV-1a over UTF-8, then the SplitMix64 finalizer for avalanche. Placement and method ids depend on it.
/// </summary>
public static class StableHash
{
    /// <summary>The hash of <paramref name="text"/>.</summary>
    public static ulong Of(string text)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = unchecked((hash ^ b) * 0x100000001b3UL);
        }

        return Mix(hash);
    }

    /// <summary>The SplitMix64 finalizer: every input bit affects every output bit.</summary>
    public static ulong Mix(ulong value)
    {
        value ^= value >> 30;
        value = unchecked(value * 0xbf58476d1ce4e5b9UL);
        value ^= value >> 27;
        value = unchecked(value * 0x94d049bb133111ebUL);
        return value ^ (value >> 31);
    }
}
