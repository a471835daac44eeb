using System.Net.Http.Headers;
using RelationGraph.Client;

namespace RelationGraph.Tests.Fixtures;

/// <summary>
/// The API keys every test silo trusts. Clients from <see cref="SiloFactory"/> send <see cref="Admin"/> by default, so
/// tests of any endpoint need no key handling of their own.
/// </summary>
public static class TestApiKeys
{
    public const string Admin = "rg_test-admin-key";
    public const string Reader = "rg_test-read-key";
    public const string Writer = "rg_test-write-key";

    /// <summary>The configuration of the three keys: admin, read only, write only.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("RelationGraph:Api:Keys:admin:Hash", ApiKeyFile.Hash(Admin)),
        new("RelationGraph:Api:Keys:admin:Scopes:0", "admin"),
        new("RelationGraph:Api:Keys:reader:Hash", ApiKeyFile.Hash(Reader)),
        new("RelationGraph:Api:Keys:reader:Scopes:0", "read"),
        new("RelationGraph:Api:Keys:writer:Hash", ApiKeyFile.Hash(Writer)),
        new("RelationGraph:Api:Keys:writer:Scopes:0", "write"),
    ];

    public static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);
}
