using RelationGraph.Benchmarks;

// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- rpc [--duration 3] [--silos 1,3] [--concurrency 1,8,64] [--out docs/benchmarks/rpc.jsonl]
// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- relbench [--follows 20000] [--concurrency 1,8] [--samples 2000] [--out docs/benchmarks/relbench.jsonl]
// dotnet run -c Release --project tests/RelationGraph.Benchmarks -- import [--edges 10000000] [--users edges/10] [--out docs/benchmarks/import.jsonl]
return args.FirstOrDefault() switch
{
    "rpc" => await RoundTripBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..], "1,8,64")),
    "relbench" => await RelbenchBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..], "1,8")),
    "import" => await ImportBenchmark.RunAsync(BenchmarkArguments.Parse(args[1..], "1")),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: RelationGraph.Benchmarks rpc [--duration seconds] [--silos 1,3] [--concurrency 1,8,64] [--out file.jsonl]");
    Console.Error.WriteLine("       RelationGraph.Benchmarks relbench [--follows 20000] [--concurrency 1,8] [--samples 2000] [--out file.jsonl]");
    Console.Error.WriteLine("       RelationGraph.Benchmarks import [--edges 10000000] [--users edges/10] [--out file.jsonl]");
    return 2;
}
