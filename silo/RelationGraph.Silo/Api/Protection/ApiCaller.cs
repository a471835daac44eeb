namespace RelationGraph.Silo.Api.Protection;

/// <summary>An authenticated caller: its key's name and scopes.</summary>
internal sealed record ApiCaller(string Name, IReadOnlySet<string> Scopes)
{
    public bool Has(string scope) => Scopes.Contains(ApiScopes.Admin) || Scopes.Contains(scope);
}
