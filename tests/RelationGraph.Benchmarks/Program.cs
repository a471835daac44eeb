using RelationGraph.Benchmarks;

// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- rpc [--duration 3] [--silos 1,3] [--concurrency 1,8,64] [--out docs/benchmarks/rpc.jsonl]
// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- relbench [--follows 20000] [--concurrency 1,8] [--samples 2000] [--out docs/benchmarks/relbench.jsonl]
// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- fanout [--shards 64] [--repeat 1000] [--concurrency 1] [--out docs/benchmarks/fanout.jsonl]
return args.FirstOrDefault() switch
{
    "rpc" => await RoundTripBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..], "1,8,64")),
    "relbench" => await RelbenchBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..], "1,8")),
    "fanout" => await FanoutBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..], "1"), CancelOnCtrlC()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: RelationGraph.Benchmarks rpc [--duration seconds] [--silos 1,3] [--concurrency 1,8,64] [--out file.jsonl]");
    Console.Error.WriteLine("       RelationGraph.Benchmarks relbench [--follows 20000] [--concurrency 1,8] [--samples 2000] [--out file.jsonl]");
    Console.Error.WriteLine("       RelationGraph.Benchmarks fanout [--shards 64] [--repeat 1000] [--concurrency 1] [--out file.jsonl]");
    return 2;
}

// The first Ctrl+C stops the run cleanly (its PostgreSQL server and data directory go too); a second one kills the process.
static CancellationToken CancelOnCtrlC()
{
    var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) =>
    {
        e.Cancel = !cancel.IsCancellationRequested;
        cancel.Cancel();
    };
    return cancel.Token;
}
