using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Recurrent.Benchmarks -- --filter '*Gemm*'
BenchmarkSwitcher.FromAssembly(typeof(Recurrent.Benchmarks.GemmBenchmarks).Assembly).Run(args);
