using Recurrent.Tests.Fuzzing;
using SharpFuzz;

// Under afl-fuzz: reads each input AFL++ hands over and runs it through every loader, as a safetensors file (plain
// file, model file, trainer checkpoint) and as a text corpus (FuzzTargets.Run). A loader's own InvalidDataException is
// a pass; any other exception escapes and SharpFuzz reports it to AFL++ as a crash.
//
//   dotnet Recurrent.Fuzz.dll                     the AFL++ target (instrument Recurrent.dll with `sharpfuzz` first)
//   dotnet Recurrent.Fuzz.dll --make-seeds DIR    writes the valid seed files (FuzzSeeds.All) to DIR
//   dotnet Recurrent.Fuzz.dll --run FILE...       runs files once without AFL++, to reproduce a crash with its stack
//                                                 (from an uninstrumented build: see bench/afl-fuzz.sh)
if (args.Length == 2 && args[0] == "--make-seeds")
{
    Directory.CreateDirectory(args[1]);
    foreach (var seed in FuzzSeeds.All)
    {
        string ext = seed.Format == FuzzFormat.Corpus ? "txt" : "safetensors";
        File.WriteAllBytes(Path.Combine(args[1], $"{seed.Name}.{ext}"), seed.Bytes);
    }
    Console.WriteLine($"wrote {FuzzSeeds.All.Count} seeds to {args[1]}");
    return 0;
}
if (args.Length >= 2 && args[0] == "--run")
{
    foreach (string file in args.Skip(1))
    {
        RunOne(File.ReadAllBytes(file));
        Console.WriteLine($"{file}: ok");
    }
    return 0;
}
if (args.Length != 0)
{
    Console.Error.WriteLine("usage: Recurrent.Fuzz [--make-seeds DIR | --run FILE...]");
    return 2;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    RunOne(buffer.ToArray());
});
return 0;

static void RunOne(byte[] bytes)
{
    FuzzTargets.Run(FuzzFormat.Safetensors, bytes);
    FuzzTargets.Run(FuzzFormat.Corpus, bytes);
}
