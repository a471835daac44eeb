namespace RelationGraph.Silo.Api.Protection;

/// <summary>One trusted caller's key, stored hashed.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The SHA-256 of the key, as 64 hex digits. The key itself is never configured.</summary>
    public string Hash { get; set; } = "";

    /// <summary>What the key may do: any of <c>read</c>, <c>write</c>, <c>admin</c>.</summary>
    public IList<string> Scopes { get; } = [];
}
