namespace RelationGraph.Silo.Api.Protection;

/// <summary>Endpoint metadata naming the scope an endpoint needs; see <see cref="ApiScopes.RequireApiScope{TBuilder}"/>.</summary>
internal sealed record ApiScopeMetadata(string Scope);
