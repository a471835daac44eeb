using System.Globalization;
using System.Text.Json;
using RelationGraph.Abstractions;
using RelationGraph.Cli;
using RelationGraph.Tests.Fixtures;

namespace RelationGraph.Tests.Cli;

/// <summary>The relgraph command line, run in-process against a live three-silo cluster.</summary>
public sealed class RelgraphCliTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string Secret = "test-cluster-secret";

    /// <summary>No environment variables and a working directory without secret files, so nothing but the arguments counts.</summary>
    private static readonly RelgraphEnvironment Isolated = new(_ => null, AppContext.BaseDirectory);

    [Fact]
    public async Task Follow_prints_the_new_relation_and_exits_0()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        var first = await RunAsync("follow", $"{a}", $"{b}");
        var again = await RunAsync("follow", $"{a}", $"{b}");

        first.AssertSuccess($"{a} now follows {b}");
        again.AssertSuccess($"{a} already follows {b}");
        Assert.True((await fixture.Client.GetRelationAsync(a, b, Token)).Following);
    }

    [Fact]
    public async Task Unfollow_prints_whether_the_relation_ended_and_exits_0()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(a, b, Token);

        var first = await RunAsync("unfollow", $"{a}", $"{b}");
        var again = await RunAsync("unfollow", $"{a}", $"{b}");

        first.AssertSuccess($"{a} no longer follows {b}");
        again.AssertSuccess($"{a} was not following {b}");
        Assert.False((await fixture.Client.GetRelationAsync(a, b, Token)).Following);
    }

    [Fact]
    public async Task Following_prints_one_line_per_user_and_the_next_cursor_on_stderr()
    {
        var user = fixture.NewUser();
        await FollowManyAsync(user, 3);
        var expected = (await fixture.Client.GetFollowingAsync(user, new PageRequest(10), Token)).Items.Select(e => $"{e.UserId}  {Utc(e.Since)}").ToList();

        var first = await RunAsync("following", $"{user}", "--limit", "2");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(expected.Take(2), Lines(first.Stdout));
        var cursorLine = Assert.Single(Lines(first.Stderr));
        Assert.StartsWith("next cursor: ", cursorLine, StringComparison.Ordinal);

        var second = await RunAsync("following", $"{user}", "--limit", "2", "--cursor", cursorLine["next cursor: ".Length..]);

        second.AssertSuccess(expected[2]);
    }

    [Fact]
    public async Task Following_with_all_walks_every_page_and_prints_no_cursor()
    {
        var user = fixture.NewUser();
        var targets = await FollowManyAsync(user, 5);

        var run = await RunAsync("following", $"{user}", "--limit", "2", "--all");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(targets.AsEnumerable().Reverse(), ParseEntries(run.Stdout).Select(e => e.UserId));
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Fans_prints_one_line_per_follower_and_exits_0()
    {
        var (celebrity, fan) = (fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(fan, celebrity, Token);
        var since = (await fixture.Client.GetFansAsync(celebrity, cancellationToken: Token)).Items.Single().Since;

        var run = await RunAsync("fans", $"{celebrity}");

        run.AssertSuccess($"{fan}  {Utc(since)}");
    }

    [Fact]
    public async Task Counts_prints_following_and_fans_and_exits_0()
    {
        var user = fixture.NewUser();
        await FollowManyAsync(user, 3);
        await fixture.Client.FollowAsync(fixture.NewUser(), user, Token);

        var run = await RunAsync("counts", $"{user}");

        run.AssertSuccess($"user {user}: following 3, fans 1");
    }

    [Fact]
    public async Task Relation_prints_both_directions_and_mutual_and_exits_0()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(b, a, Token);

        var oneWay = await RunAsync("relation", $"{a}", $"{b}");
        await fixture.Client.FollowAsync(a, b, Token);
        var mutual = await RunAsync("relation", $"{a}", $"{b}");

        oneWay.AssertSuccess($"{a} -> {b}: following no, followed by yes, mutual no");
        mutual.AssertSuccess($"{a} -> {b}: following yes, followed by yes, mutual yes");
    }

    [Fact]
    public async Task Silos_prints_an_aligned_table_of_the_active_silos_and_exits_0()
    {
        var run = await RunAsync("silos");

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stderr);
        var lines = Lines(run.Stdout);
        Assert.Matches(@"^ADDRESS +NAME +GATEWAY +STATUS +STARTED$", lines[0]);
        var rows = lines.Skip(1).ToList();
        Assert.Equal(fixture.Cluster.Silos.Select(s => s.Address.ToString()).Order(), rows.Select(r => r.Split("  ")[0].Trim()).Order());
        Assert.All(rows, row =>
        {
            Assert.Equal("Active", row[lines[0].IndexOf("STATUS", StringComparison.Ordinal)..].Split(' ')[0]);
            Assert.Matches(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row);
        });
        Assert.Equal(fixture.Cluster.Gateways.Order(), rows.Select(r => r[lines[0].IndexOf("GATEWAY", StringComparison.Ordinal)..].Split(' ')[0]).Order());
    }

    [Fact]
    public async Task Global_options_work_before_the_subcommand_too()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        var run = await RunInAsync(Isolated, [.. ConnectionArguments, "follow", $"{a}", $"{b}"]);

        run.AssertSuccess($"{a} now follows {b}");
    }

    [Fact]
    public async Task Json_follow_prints_the_rest_api_shape_with_numeric_ids()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        var run = await RunAsync("follow", $"{a}", $"{b}", "--json");

        using var json = run.ParseJson();
        Assert.Equal(a.Value, json.RootElement.GetProperty("userId").GetInt64());
        Assert.Equal(b.Value, json.RootElement.GetProperty("targetId").GetInt64());
        Assert.True(json.RootElement.GetProperty("following").GetBoolean());
        Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task Json_following_with_all_returns_every_page_as_one_list_without_a_cursor()
    {
        var user = fixture.NewUser();
        var targets = await FollowManyAsync(user, 5);

        var run = await RunAsync("following", $"{user}", "--limit", "2", "--all", "--json");

        using var json = run.ParseJson();
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(targets.AsEnumerable().Reverse().Select(t => t.Value), items.Select(i => i.GetProperty("userId").GetInt64()));
        Assert.All(items, i => Assert.EndsWith("Z", i.GetProperty("since").GetString(), StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Json_following_of_one_page_carries_the_next_cursor()
    {
        var user = fixture.NewUser();
        await FollowManyAsync(user, 3);

        var run = await RunAsync("following", $"{user}", "--limit", "2", "--json");

        using var json = run.ParseJson();
        Assert.Equal(2, json.RootElement.GetProperty("items").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("nextCursor").GetString()));
    }

    [Fact]
    public async Task Json_fans_prints_the_page_shape()
    {
        var (celebrity, fan) = (fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(fan, celebrity, Token);

        var run = await RunAsync("fans", $"{celebrity}", "--json");

        using var json = run.ParseJson();
        var item = Assert.Single(json.RootElement.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal(fan.Value, item.GetProperty("userId").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Json_counts_prints_the_rest_api_shape()
    {
        var user = fixture.NewUser();
        await FollowManyAsync(user, 2);

        var run = await RunAsync("counts", $"{user}", "--json");

        using var json = run.ParseJson();
        Assert.Equal(user.Value, json.RootElement.GetProperty("userId").GetInt64());
        Assert.Equal(2, json.RootElement.GetProperty("following").GetInt64());
        Assert.Equal(0, json.RootElement.GetProperty("fans").GetInt64());
    }

    [Fact]
    public async Task Json_relation_prints_the_rest_api_shape()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(a, b, Token);
        await fixture.Client.FollowAsync(b, a, Token);

        var run = await RunAsync("relation", $"{a}", $"{b}", "--json");

        using var json = run.ParseJson();
        Assert.Equal(a.Value, json.RootElement.GetProperty("userId").GetInt64());
        Assert.Equal(b.Value, json.RootElement.GetProperty("otherId").GetInt64());
        Assert.True(json.RootElement.GetProperty("following").GetBoolean());
        Assert.True(json.RootElement.GetProperty("followedBy").GetBoolean());
        Assert.True(json.RootElement.GetProperty("mutual").GetBoolean());
    }

    [Fact]
    public async Task Json_silos_lists_the_three_active_silos()
    {
        var run = await RunAsync("silos", "--json");

        using var json = run.ParseJson();
        var silos = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(3, silos.Count);
        Assert.All(silos, s => Assert.Equal("Active", s.GetProperty("status").GetString()));
        Assert.Equal(
            fixture.Cluster.Silos.Select(s => s.GatewayPort).Order(),
            silos.Select(s => s.GetProperty("gatewayPort").GetInt32()).Order());
    }

    [Fact]
    public async Task Silos_can_be_listed_through_the_membership_table_instead_of_a_gateway()
    {
        var run = await RunInAsync(Isolated, ["silos", "--json", "--membership", fixture.MetaConnectionString, "--cluster-id", "test", "--secret", Secret]);

        using var json = run.ParseJson();
        Assert.Equal(3, json.RootElement.EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active"));
    }

    [Theory]
    [InlineData("follow", "abc", "2")]
    [InlineData("follow", "1", "0")]
    [InlineData("relation", "1", "12345678901234567890")]
    [InlineData("counts", "1.5")]
    [InlineData("fans", "0x10")]
    public async Task An_invalid_id_fails_with_one_line_before_connecting(params string[] args)
    {
        // No cluster listens on port 1: an id error proves nothing tried to connect.
        var run = await RunInAsync(Isolated, [.. args, "--gateway", "127.0.0.1:1", "--secret", Secret]);

        run.AssertFailure("is not a user id");
    }

    [Fact]
    public async Task A_self_follow_fails_with_one_line_and_writes_nothing()
    {
        var a = fixture.NewUser();

        var run = await RunAsync("follow", $"{a}", $"{a}");

        run.AssertFailure("cannot follow");
        Assert.Equal(new Counts(a, 0, 0), await fixture.Client.GetCountsAsync(a, Token));
    }

    [Fact]
    public async Task Invalid_input_writes_nothing()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        (await RunAsync("follow", $"{a}", "abc")).AssertFailure("is not a user id");
        (await RunAsync("follow", "0", $"{b}")).AssertFailure("is not a user id");
        (await RunAsync("unfollow", $"{b}", $"{b}")).AssertFailure("cannot follow");

        (await RunAsync("counts", $"{a}")).AssertSuccess($"user {a}: following 0, fans 0");
        (await RunAsync("counts", $"{b}")).AssertSuccess($"user {b}: following 0, fans 0");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    public async Task A_limit_out_of_range_fails_with_one_line(string limit)
    {
        var run = await RunAsync("following", $"{fixture.NewUser()}", "--limit", limit);

        run.AssertFailure("--limit must be between 1 and 1000");
    }

    [Fact]
    public async Task A_malformed_cursor_fails_with_one_line()
    {
        var run = await RunAsync("fans", $"{fixture.NewUser()}", "--cursor", "garbage!");

        run.AssertFailure("cursor is malformed");
    }

    [Fact]
    public async Task A_wrong_secret_fails_with_one_line()
    {
        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", .. GatewayArguments, "--cluster-id", "test", "--secret", "not-the-secret"]);

        run.AssertFailure("wrong cluster secret");
    }

    [Fact]
    public async Task An_unreachable_gateway_fails_with_one_line()
    {
        var run = await RunInAsync(Isolated, ["counts", "1", "--gateway", "127.0.0.1:1", "--cluster-id", "test", "--secret", Secret]);

        run.AssertFailure("cannot reach the cluster");
        Assert.Contains("127.0.0.1:1", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_fails_with_one_line()
    {
        var directory = Directory.CreateTempSubdirectory("relgraph-cli-");
        try
        {
            var run = await RunInAsync(Isolated with { CurrentDirectory = directory.FullName }, ["counts", "1", .. GatewayArguments, "--cluster-id", "test"]);

            run.AssertFailure("no cluster secret");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_secret_is_read_from_the_development_secret_file_in_the_working_directory()
    {
        var directory = Directory.CreateTempSubdirectory("relgraph-cli-");
        try
        {
            var secretDirectory = Directory.CreateDirectory(Path.Combine(directory.FullName, ".relationgraph"));
            await File.WriteAllTextAsync(Path.Combine(secretDirectory.FullName, "cluster.secret"), Secret + "\n", Token);
            var user = fixture.NewUser();

            var run = await RunInAsync(Isolated with { CurrentDirectory = directory.FullName }, ["counts", $"{user}", .. GatewayArguments, "--cluster-id", "test"]);

            run.AssertSuccess($"user {user}: following 0, fans 0");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_secret_file_option_names_the_file_to_read()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, Secret, Token);
            var user = fixture.NewUser();

            var run = await RunInAsync(Isolated, ["counts", $"{user}", .. GatewayArguments, "--cluster-id", "test", "--secret-file", file]);

            run.AssertSuccess($"user {user}: following 0, fans 0");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_explicit_secret_file_wins_over_the_secret_variable()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, Secret, Token);
            var environment = new RelgraphEnvironment(name => name == RelgraphEnvironment.SecretVariable ? "not-the-secret" : null, AppContext.BaseDirectory);
            var user = fixture.NewUser();

            var run = await RunInAsync(environment, ["counts", $"{user}", .. GatewayArguments, "--cluster-id", "test", "--secret-file", file]);

            run.AssertSuccess($"user {user}: following 0, fans 0");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Gateways_cluster_id_and_secret_default_from_the_environment()
    {
        var variables = new Dictionary<string, string>
        {
            [RelgraphEnvironment.GatewayVariable] = string.Join(",", fixture.Cluster.Gateways),
            [RelgraphEnvironment.ClusterIdVariable] = "test",
            [RelgraphEnvironment.SecretVariable] = Secret,
        };
        var user = fixture.NewUser();

        var run = await RunInAsync(new RelgraphEnvironment(variables.GetValueOrDefault, AppContext.BaseDirectory), ["counts", $"{user}"]);

        run.AssertSuccess($"user {user}: following 0, fans 0");
    }

    [Theory]
    [InlineData("frobnicate", "1")]
    [InlineData("follow", "1")]
    [InlineData]
    public async Task A_usage_error_exits_non_zero_with_one_line(params string[] args)
    {
        var run = await RunInAsync(Isolated, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("relgraph: ", Assert.Single(Lines(run.Stderr)), StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Generate_then_import_loads_the_graph_and_a_second_import_adds_nothing()
    {
        var file = Path.GetTempFileName();
        try
        {
            var generated = await RunInAsync(Isolated, ["generate", "--users", "500", "--edges", "3000", "--skew", "zipf:1.2", "--seed", "4", "--out", file]);
            var again = await RunInAsync(Isolated, ["generate", "--users", "500", "--edges", "3000", "--skew", "zipf:1.2", "--seed", "4"]);
            Assert.Equal(ExitCodes.Success, generated.ExitCode);
            Assert.Equal(await File.ReadAllTextAsync(file, Token), again.Stdout);
            var pairs = Lines(again.Stdout).Select(l => l.Split(',')).Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture))).Distinct().ToList();

            var first = await RunInAsync(Isolated, ["import", file, "--meta", fixture.MetaConnectionString, "--json"]);
            var second = await RunInAsync(Isolated, ["import", file, "--meta", fixture.MetaConnectionString, "--json"]);

            Assert.Equal(ExitCodes.Success, first.ExitCode);
            Assert.Equal(pairs.Count, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("newFollows").GetInt64());
            Assert.Equal(0, JsonDocument.Parse(second.Stdout).RootElement.GetProperty("newFollows").GetInt64());
            Assert.Contains("edges/s", first.Stderr, StringComparison.Ordinal);
            var top = pairs.GroupBy(p => p.Item2).MaxBy(g => g.Count())!;
            var counts = await fixture.Client.GetCountsAsync(new UserId(top.Key), Token);
            Assert.Equal(top.Count(), counts.Fans);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task An_import_with_a_bad_line_fails_with_one_line_and_writes_nothing()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, "900001,900002\n900003,oops\n", Token);

            var run = await RunInAsync(Isolated, ["import", file, "--meta", fixture.MetaConnectionString]);

            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            Assert.Equal("relgraph: invalid edge list: line 2: 'oops' is not a user id (an integer from 1)", Assert.Single(Lines(run.Stderr)));
            Assert.Equal(0, (await fixture.Client.GetCountsAsync(new UserId(900001), Token)).Following);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private string[] GatewayArguments => [.. fixture.Cluster.Gateways.SelectMany(g => new[] { "--gateway", g })];

    private string[] ConnectionArguments => [.. GatewayArguments, "--cluster-id", "test", "--secret", Secret];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Runs relgraph with <paramref name="args"/> followed by the test cluster's gateways, id and secret.</summary>
    private Task<CliRun> RunAsync(params string[] args) => RunInAsync(Isolated, [.. args, .. ConnectionArguments]);

    private static async Task<CliRun> RunInAsync(RelgraphEnvironment environment, string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await RelgraphApp.RunAsync(args, stdout, stderr, environment, Token);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    private async Task<List<UserId>> FollowManyAsync(UserId user, int count)
    {
        var targets = new List<UserId>();
        for (var i = 0; i < count; i++)
        {
            var target = fixture.NewUser();
            await fixture.Client.FollowAsync(user, target, Token);
            targets.Add(target);
        }

        return targets;
    }

    private static List<string> Lines(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>The <c>&lt;id&gt;  &lt;since&gt;</c> lines of a list.</summary>
    private static List<Edge> ParseEntries(string stdout) =>
    [
        .. Lines(stdout).Select(line =>
        {
            Assert.Matches(@"^\d+  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", line);
            var parts = line.Split("  ");
            return new Edge(UserId.Parse(parts[0], CultureInfo.InvariantCulture), DateTimeOffset.Parse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        }),
    ];

    private static string Utc(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private sealed record CliRun(int ExitCode, string Stdout, string Stderr)
    {
        public void AssertSuccess(string expectedLine)
        {
            Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Stderr}");
            Assert.Equal(expectedLine, Assert.Single(Lines(Stdout)));
            Assert.Empty(Stderr);
        }

        public void AssertFailure(string expectedText)
        {
            Assert.Equal(ExitCodes.Failure, ExitCode);
            var line = Assert.Single(Lines(Stderr));
            Assert.StartsWith("relgraph: ", line, StringComparison.Ordinal);
            Assert.Contains(expectedText, line, StringComparison.Ordinal);
            Assert.Empty(Stdout);
        }

        public JsonDocument ParseJson()
        {
            Assert.True(ExitCode == 0, $"exit code {ExitCode}; stderr: {Stderr}");
            Assert.Empty(Stderr);
            Assert.Single(Lines(Stdout));
            return JsonDocument.Parse(Stdout);
        }
    }
}
