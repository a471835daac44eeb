namespace RelationGraph.Benchmarks.Tests;

/// <summary>
/// Every benchmark scenario, run end to end at a tiny scale, so none of them rots between the runs that fill
/// docs/BENCHMARKS.md. Each starts its own PostgreSQL and silo, checks its own results (the write scenario compares
/// stored rows with acknowledged follows, fanout compares the two layouts' pages) and appends its JSON lines.
/// </summary>
public sealed class BenchmarkScenarioTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"relationgraph-bench-test-{Guid.NewGuid():N}.jsonl");

    public static TheoryData<string, string[]> Scenarios => new()
    {
        { "write", ["--concurrency", "1,4", "--duration", "0.5", "--rounds", "1", "--users", "1000", "--followees", "500", "--warmup", "0.5", "--statements", "5"] },
        { "read", ["--users", "2000", "--edges", "10000", "--samples", "20"] },
        { "mixed", ["--users", "2000", "--edges", "10000", "--duration", "2", "--rounds", "2", "--concurrency", "4", "--activate", "200"] },
        { "fanout", ["--shards", "3", "--repeat", "20"] },
        { "import", ["--edges", "5000", "--users", "500"] },
        { "memory", ["--users", "300", "--concurrency", "4"] },
        { "crawl", ["--users", "200", "--concurrency", "4", "--bound-mb", "256"] },
        { "relbench", ["--follows", "40", "--samples", "10", "--concurrency", "1", "--buckets", "4", "--bucket-after", "10", "--readers", "2"] },
        { "rpc", ["--duration", "0.3", "--silos", "1", "--concurrency", "2"] },
        { "relations", ["--rounds", "2", "--single-rounds", "1", "--edges", "2000"] },
        { "deletion", ["--fans", "300", "--follows", "20", "--rounds", "1", "--page", "50"] },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task A_scenario_runs_end_to_end_and_records_its_results(string scenario, string[] options)
    {
        var arguments = BenchmarkArguments.Parse([.. options, "--out", _output]);
        var token = TestContext.Current.CancellationToken;

        var exitCode = scenario switch
        {
            "write" => await WriteBenchmark.RunAsync(arguments, token),
            "read" => await ReadBenchmark.RunAsync(arguments, token),
            "mixed" => await MixedBenchmark.RunAsync(arguments, token),
            "fanout" => await FanoutBenchmark.RunAsync(arguments, token),
            "import" => await ImportBenchmark.RunAsync(arguments, token),
            "memory" => await MemoryBenchmark.RunAsync(arguments, token),
            "crawl" => await CrawlBenchmark.RunAsync(arguments, token),
            "relbench" => await RelbenchBenchmark.RunAsync(arguments, token),
            "rpc" => await RoundTripBenchmark.RunAsync(arguments, token),
            "relations" => await RelationsBenchmark.RunAsync(arguments, token),
            "deletion" => await DeletionBenchmark.RunAsync(arguments, token),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        Assert.Equal(0, exitCode);
        var lines = await File.ReadAllLinesAsync(_output, token);
        Assert.NotEmpty(lines);
        Assert.All(lines, line => Assert.Contains($"\"scenario\":\"{scenario}\"", line, StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_option_is_a_usage_error()
    {
        var arguments = BenchmarkArguments.Parse(["--concurency", "8"]);

        arguments.Ints("concurrency", [1]);

        Assert.Throws<UsageException>(arguments.RejectUnknown);
    }

    [Fact]
    public async Task An_unknown_tls_choice_is_a_usage_error()
    {
        var arguments = BenchmarkArguments.Parse(["--tls", "maybe"]);

        await Assert.ThrowsAsync<UsageException>(() => RoundTripBenchmark.RunAsync(arguments, TestContext.Current.CancellationToken));
    }

    public void Dispose() => File.Delete(_output);
}
