using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using RelationGraph.Abstractions;
using RelationGraph.Cli;
using RelationGraph.Silo.Hosting;
using RelationGraph.Testing;

namespace RelationGraph.Tests.Cli;

/// <summary>The relgraph command line, run in-process against a live three-silo cluster that requires TLS with its cluster certificate.</summary>
public sealed partial class RelgraphCliTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    private const string Password = "pfx-password";

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

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Empty(run.Stderr);
        var lines = Lines(run.Stdout);
        var header = lines[0];
        Assert.Matches(@"^ADDRESS +NAME +GATEWAY +STATUS +STARTED$", header);
        var rows = lines.Skip(1).ToList();
        string Cell(string row, string column) => row[header.IndexOf(column, StringComparison.Ordinal)..].Split(' ')[0];

        Assert.Equal(
            fixture.Cluster.Silos.Select(s => $"{s.SiloAddress.ToParsableString()} {s.Name} {s.GatewayAddress!.Endpoint}").Order(StringComparer.Ordinal),
            rows.Select(r => $"{Cell(r, "ADDRESS")} {Cell(r, "NAME")} {Cell(r, "GATEWAY")}").Order(StringComparer.Ordinal));
        Assert.All(rows, row =>
        {
            Assert.Equal("Active", Cell(row, "STATUS"));
            Assert.Matches(@"  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", row);
        });
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
    public async Task Json_unfollow_says_what_changed()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());
        await fixture.Client.FollowAsync(a, b, Token);

        var first = await RunAsync("unfollow", $"{a}", $"{b}", "--json");
        var again = await RunAsync("unfollow", $"{a}", $"{b}", "--json");

        using (var json = first.ParseJson())
        {
            Assert.False(json.RootElement.GetProperty("following").GetBoolean());
            Assert.True(json.RootElement.GetProperty("changed").GetBoolean());
        }

        using (var json = again.ParseJson())
        {
            Assert.False(json.RootElement.GetProperty("following").GetBoolean());
            Assert.False(json.RootElement.GetProperty("changed").GetBoolean());
        }
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
        Assert.All(items, i => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$", i.GetProperty("since").GetString()));
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
        Assert.Equal(
            fixture.Cluster.Silos.Select(s => $"{s.SiloAddress.ToParsableString()} {s.Name} {s.GatewayAddress!.Endpoint.Port}").Order(StringComparer.Ordinal),
            silos.Select(s => $"{s.GetProperty("address").GetString()} {s.GetProperty("name").GetString()} {s.GetProperty("gatewayPort").GetInt32()}").Order(StringComparer.Ordinal));
        Assert.All(silos, s =>
        {
            Assert.Equal("Active", s.GetProperty("status").GetString());
            Assert.EndsWith("Z", s.GetProperty("startTime").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("Z", s.GetProperty("iAmAliveTime").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Silos_can_be_listed_through_the_membership_table_instead_of_a_gateway()
    {
        var run = await RunInAsync(Isolated, ["silos", "--json", "--membership", fixture.MetaConnectionString, "--cluster-id", fixture.ClusterId, "--certificate", fixture.CertificatePath]);

        using var json = run.ParseJson();
        Assert.Equal(
            fixture.Cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).Order(StringComparer.Ordinal),
            json.RootElement.EnumerateArray().Where(s => s.GetProperty("status").GetString() == "Active").Select(s => s.GetProperty("address").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Commands_reach_the_cluster_through_the_membership_table()
    {
        var (a, b) = (fixture.NewUser(), fixture.NewUser());

        var run = await RunInAsync(Isolated, ["follow", $"{a}", $"{b}", "--membership", fixture.MetaConnectionString, "--cluster-id", fixture.ClusterId, "--certificate", fixture.CertificatePath]);

        run.AssertSuccess($"{a} now follows {b}");
        Assert.True((await fixture.Client.GetRelationAsync(a, b, Token)).Following);
    }

    [Fact]
    public async Task A_membership_table_without_the_cluster_fails_with_one_line()
    {
        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", "--membership", fixture.MetaConnectionString, "--cluster-id", "no-such-cluster", "--certificate", fixture.CertificatePath]);

        run.AssertFailure("no live gateway is listed for cluster 'no-such-cluster': check --cluster-id");
    }

    [Fact]
    public async Task Gateways_and_the_membership_table_together_fail_with_one_line()
    {
        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", "--membership", fixture.MetaConnectionString, .. ConnectionArguments]);

        run.AssertFailure("give --gateway or --membership, not both");
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
        var run = await RunInAsync(Isolated, [.. args, "--gateway", "127.0.0.1:1", "--certificate", fixture.CertificatePath]);

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
    public async Task A_failure_with_json_is_still_one_line_on_stderr_and_nothing_on_stdout()
    {
        var a = fixture.NewUser();

        var run = await RunAsync("relation", $"{a}", $"{a}", "--json");

        run.AssertFailure("cannot follow or relate to themselves");
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

        run.AssertFailure("cursor is not a cursor of this list");
    }

    [Fact]
    public async Task A_timeout_out_of_range_fails_with_one_line()
    {
        var run = await RunAsync("counts", $"{fixture.NewUser()}", "--timeout", "0");

        run.AssertFailure("--timeout must be a number of seconds above 0");
    }

    [Fact]
    public async Task A_wrong_certificate_is_refused_with_one_line_naming_the_option()
    {
        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", .. GatewayArguments, "--cluster-id", fixture.ClusterId, "--certificate", fixture.WrongCertificatePath]);

        run.AssertFailure("TLS handshake with the cluster failed");
        Assert.Contains("(check --certificate)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_a_certificate_fails_with_one_line()
    {
        var file = Path.Combine(fixture.NewDirectory(), "cluster.pfx");
        await File.WriteAllTextAsync(file, "not a certificate", Token);

        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", .. GatewayArguments, "--cluster-id", fixture.ClusterId, "--certificate", file]);

        run.AssertFailure("Cannot load the cluster certificate");
        Assert.Contains(file, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_gateway_fails_with_one_line()
    {
        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", "--gateway", "127.0.0.1:1", "--cluster-id", fixture.ClusterId, "--certificate", fixture.CertificatePath]);

        run.AssertFailure("cannot reach the cluster");
        Assert.Contains("127.0.0.1:1", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_of_another_cluster_fails_with_one_line_naming_the_cluster_id_option()
    {
        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", .. GatewayArguments, "--cluster-id", "another-cluster", "--certificate", fixture.CertificatePath]);

        // The gateway refuses the client's cluster id in Orleans' handshake; which side notices first varies, the advice does not.
        run.AssertFailure("check --cluster-id");
        Assert.Contains("another-cluster", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_certificate_fails_with_one_line()
    {
        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", .. GatewayArguments, "--cluster-id", fixture.ClusterId]);

        run.AssertFailure("no cluster certificate: pass --certificate or set RELGRAPH_CERTIFICATE");
    }

    [Fact]
    public async Task A_certificate_option_naming_no_file_fails_with_one_line()
    {
        var missing = Path.Combine(fixture.NewDirectory(), "missing.pfx");

        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", .. GatewayArguments, "--cluster-id", fixture.ClusterId, "--certificate", missing]);

        run.AssertFailure($"no cluster certificate at {missing} (from --certificate)");
    }

    [Fact]
    public async Task A_certificate_variable_naming_no_file_fails_with_one_line()
    {
        var missing = Path.Combine(fixture.NewDirectory(), "missing.pfx");
        var environment = Isolated with { GetVariable = name => name == RelgraphEnvironment.CertificateVariable ? missing : null };

        var run = await RunInAsync(environment, ["counts", $"{fixture.NewUser()}", .. GatewayArguments, "--cluster-id", fixture.ClusterId]);

        run.AssertFailure($"no cluster certificate at {missing} (from {RelgraphEnvironment.CertificateVariable})");
    }

    [Theory]
    [InlineData(".relationgraph")]
    [InlineData("silo/RelationGraph.Silo/.relationgraph")]
    public async Task The_certificate_is_read_from_a_development_certificate_file_in_the_working_directory(string folder)
    {
        var directory = fixture.NewDirectory();
        CopyCertificate(fixture.CertificatePath, Path.Combine(directory, folder));
        var user = fixture.NewUser();

        var run = await RunInAsync(Isolated with { CurrentDirectory = directory }, ["counts", $"{user}", .. GatewayArguments, "--cluster-id", fixture.ClusterId]);

        run.AssertSuccess($"user {user}: following 0, fans 0");
    }

    [Fact]
    public async Task The_working_directory_certificate_comes_before_the_development_silo_one()
    {
        var directory = fixture.NewDirectory();
        CopyCertificate(fixture.CertificatePath, Path.Combine(directory, ".relationgraph"));
        CopyCertificate(fixture.WrongCertificatePath, Path.Combine(directory, "silo", "RelationGraph.Silo", ".relationgraph"));
        var user = fixture.NewUser();

        var run = await RunInAsync(Isolated with { CurrentDirectory = directory }, ["counts", $"{user}", .. GatewayArguments, "--cluster-id", fixture.ClusterId]);

        run.AssertSuccess($"user {user}: following 0, fans 0");
    }

    [Fact]
    public async Task A_relative_certificate_path_is_read_from_the_working_directory()
    {
        var directory = fixture.NewDirectory();
        CopyCertificate(fixture.CertificatePath, Path.Combine(directory, "certs"));
        var user = fixture.NewUser();

        var run = await RunInAsync(Isolated with { CurrentDirectory = directory }, ["counts", $"{user}", .. GatewayArguments, "--cluster-id", fixture.ClusterId, "--certificate", Path.Combine("certs", DevelopmentClusterCertificate.FileName)]);

        run.AssertSuccess($"user {user}: following 0, fans 0");
    }

    [Fact]
    public async Task The_certificate_variable_wins_over_the_development_certificate_files()
    {
        var directory = fixture.NewDirectory();
        CopyCertificate(fixture.WrongCertificatePath, Path.Combine(directory, ".relationgraph"));
        var environment = new RelgraphEnvironment(name => name == RelgraphEnvironment.CertificateVariable ? fixture.CertificatePath : null, directory);
        var user = fixture.NewUser();

        var run = await RunInAsync(environment, ["counts", $"{user}", .. GatewayArguments, "--cluster-id", fixture.ClusterId]);

        run.AssertSuccess($"user {user}: following 0, fans 0");
    }

    [Fact]
    public async Task An_explicit_certificate_wins_over_the_certificate_variable()
    {
        var environment = Isolated with { GetVariable = name => name == RelgraphEnvironment.CertificateVariable ? fixture.WrongCertificatePath : null };
        var user = fixture.NewUser();

        var run = await RunInAsync(environment, ["counts", $"{user}", .. ConnectionArguments]);

        run.AssertSuccess($"user {user}: following 0, fans 0");
    }

    [Fact]
    public async Task A_password_protected_certificate_is_opened_with_the_password_variable()
    {
        var file = Path.Combine(fixture.NewDirectory(), "protected.pfx");
        await File.WriteAllBytesAsync(file, fixture.Certificate.Export(X509ContentType.Pkcs12, Password), Token);
        var user = fixture.NewUser();
        string[] args = ["counts", $"{user}", .. GatewayArguments, "--cluster-id", fixture.ClusterId, "--certificate", file];

        var withPassword = await RunInAsync(Isolated with { GetVariable = name => name == RelgraphEnvironment.CertificatePasswordVariable ? Password : null }, args);
        var withoutPassword = await RunInAsync(Isolated, args);

        withPassword.AssertSuccess($"user {user}: following 0, fans 0");
        withoutPassword.AssertFailure("Cannot load the cluster certificate");
    }

    [Fact]
    public async Task Gateways_cluster_id_and_certificate_default_from_the_environment()
    {
        var variables = new Dictionary<string, string>
        {
            [RelgraphEnvironment.GatewayVariable] = string.Join(",", fixture.Cluster.Gateways()),
            [RelgraphEnvironment.ClusterIdVariable] = fixture.ClusterId,
            [RelgraphEnvironment.CertificateVariable] = fixture.CertificatePath,
        };
        var user = fixture.NewUser();

        var run = await RunInAsync(new RelgraphEnvironment(variables.GetValueOrDefault, fixture.EmptyDirectory), ["counts", $"{user}"]);

        run.AssertSuccess($"user {user}: following 0, fans 0");
    }

    [Theory]
    [InlineData("frobnicate", "1")]
    [InlineData("follow", "1")]
    [InlineData("counts", "1", "--frobnicate")]
    [InlineData]
    public async Task A_usage_error_exits_2_with_one_line(params string[] args)
    {
        var run = await RunInAsync(Isolated, args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("relgraph: ", Assert.Single(Lines(run.Stderr)), StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task An_interrupted_command_exits_130_with_one_line()
    {
        using var interrupted = new CancellationTokenSource();
        await interrupted.CancelAsync();

        var run = await RunInAsync(Isolated, ["counts", $"{fixture.NewUser()}", .. ConnectionArguments], interrupted.Token);

        Assert.Equal(ExitCodes.Cancelled, run.ExitCode);
        Assert.Equal("relgraph: cancelled.", Assert.Single(Lines(run.Stderr)));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Generate_then_import_loads_the_graph_and_a_second_import_adds_nothing()
    {
        // The generated graph's users are 1 to 500; no other test reaches the cluster with those ids (fixture.NewUser()
        // starts above), so no grain of theirs is active with counts from before the import.
        var file = Path.Combine(fixture.NewDirectory(), "edges.csv");
        var generated = await RunInAsync(Isolated, ["generate", "--users", "500", "--edges", "3000", "--skew", "zipf:1.2", "--seed", "4", "--out", file]);
        var again = await RunInAsync(Isolated, ["generate", "--users", "500", "--edges", "3000", "--skew", "zipf:1.2", "--seed", "4"]);
        Assert.Equal(ExitCodes.Success, generated.ExitCode);
        Assert.Empty(generated.Stdout);
        Assert.Equal(await File.ReadAllTextAsync(file, Token), again.Stdout);
        var pairs = Lines(again.Stdout).Select(l => l.Split(',')).Select(f => (long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture))).Distinct().ToList();
        Assert.Equal(3000, Lines(again.Stdout).Count);

        var first = await RunInAsync(Isolated, ["import", file, "--meta", fixture.MetaConnectionString, "--json"]);
        var second = await RunInAsync(Isolated, ["import", file, "--meta", fixture.MetaConnectionString, "--json"]);

        Assert.True(first.ExitCode == ExitCodes.Success, $"exit code {first.ExitCode}; stderr: {first.Stderr}");
        Assert.Equal(pairs.Count, JsonDocument.Parse(first.Stdout).RootElement.GetProperty("newFollows").GetInt64());
        Assert.Equal(ExitCodes.Success, second.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(second.Stdout).RootElement.GetProperty("newFollows").GetInt64());
        Assert.Contains("edges/s", first.Stderr, StringComparison.Ordinal);
        var top = pairs.GroupBy(p => p.Item2).MaxBy(g => g.Count())!;
        var counts = await fixture.Client.GetCountsAsync(new UserId(top.Key), Token);
        Assert.Equal(top.Count(), counts.Fans);
        var follower = pairs.GroupBy(p => p.Item1).MaxBy(g => g.Count())!;
        (await RunAsync("counts", $"{follower.Key}")).AssertSuccess($"user {follower.Key}: following {follower.Count()}, fans {pairs.Count(p => p.Item2 == follower.Key)}");
    }

    [Fact]
    public async Task An_import_with_a_bad_line_fails_with_one_line_and_writes_nothing()
    {
        var file = Path.Combine(fixture.NewDirectory(), "edges.csv");
        await File.WriteAllTextAsync(file, "900001,900002\n900003,oops\n", Token);

        var run = await RunInAsync(Isolated, ["import", file, "--meta", fixture.MetaConnectionString]);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Equal("relgraph: invalid edge list: line 2: 'oops' is not a user id (an integer from 1)", Assert.Single(Lines(run.Stderr)));
        Assert.Empty(run.Stdout);
        Assert.Equal(0, (await fixture.Client.GetCountsAsync(new UserId(900001), Token)).Following);
    }

    /// <summary>No environment variables and an empty working directory (no default certificate files): only the arguments count.</summary>
    private RelgraphEnvironment Isolated => new(_ => null, fixture.EmptyDirectory);

    private string[] GatewayArguments => [.. fixture.Cluster.Gateways().SelectMany(g => new[] { "--gateway", g })];

    private string[] ConnectionArguments => [.. GatewayArguments, "--cluster-id", fixture.ClusterId, "--certificate", fixture.CertificatePath];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Runs relgraph with <paramref name="args"/> followed by the test cluster's gateways, id and certificate.</summary>
    private Task<CliRun> RunAsync(params string[] args) => RunInAsync(Isolated, [.. args, .. ConnectionArguments]);

    private static async Task<CliRun> RunInAsync(RelgraphEnvironment environment, string[] args, CancellationToken? cancellationToken = null)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var exitCode = await RelgraphApp.RunAsync(args, stdout, stderr, environment, cancellationToken ?? Token);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Copies the certificate file <paramref name="source"/> into <paramref name="directory"/> as <c>cluster.pfx</c>.</summary>
    private static void CopyCertificate(string source, string directory)
    {
        Directory.CreateDirectory(directory);
        File.Copy(source, Path.Combine(directory, DevelopmentClusterCertificate.FileName));
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
            Assert.True(ExitCode == ExitCodes.Success, $"exit code {ExitCode}; stderr: {Stderr}");
            Assert.Equal(expectedLine, Assert.Single(Lines(Stdout)));
            Assert.Empty(Stderr);
        }

        public void AssertFailure(string expectedText)
        {
            Assert.True(ExitCode == ExitCodes.Failure, $"exit code {ExitCode}; stdout: {Stdout}; stderr: {Stderr}");
            var line = Assert.Single(Lines(Stderr));
            Assert.StartsWith("relgraph: ", line, StringComparison.Ordinal);
            Assert.Contains(expectedText, line, StringComparison.Ordinal);
            Assert.Empty(Stdout);
        }

        public JsonDocument ParseJson()
        {
            Assert.True(ExitCode == ExitCodes.Success, $"exit code {ExitCode}; stderr: {Stderr}");
            Assert.Empty(Stderr);
            Assert.Single(Lines(Stdout));
            return JsonDocument.Parse(Stdout);
        }
    }
}
