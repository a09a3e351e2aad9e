using System.CommandLine;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent split --data FILE --fraction F --seed S --train A --test B</c>: a fixed, reproducible split of a
/// data file's rows (the header is kept in both), so that a test set is set aside before any training or tuning.
/// </summary>
internal static class SplitCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "A CSV, TSV or JSONL file (CSV/TSV: the first line is the header).", Required = true };
        var fraction = new Option<double>("--fraction") { Description = "Share of the rows that go to --test.", DefaultValueFactory = _ => 0.2 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the shuffle.", DefaultValueFactory = _ => 1UL };
        var train = new Option<string>("--train") { Description = "File for the remaining rows.", Required = true };
        var test = new Option<string>("--test") { Description = "File for the held-out rows.", Required = true };
        var command = new Command("split", "Split a data file's rows into a training and a test file, reproducibly (shuffled with --seed).") { data, fraction, seed, train, test };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            string path = parse.GetValue(data)!;
            double f = parse.GetValue(fraction);
            if (!(f > 0 && f < 1)) throw new UsageException($"--fraction must be in (0, 1); got {f}.");
            if (!File.Exists(path)) throw new UsageException($"--data: '{path}' does not exist.");
            bool jsonl = Tasks.SampleReader.IsJsonLines(path);
            // Rows are lines: a quoted CSV field spanning lines is not supported here (it would be cut).
            var lines = CommonOptions.ReadInput("--data", path, () => File.ReadAllLines(path)).ToList();
            string? header = jsonl ? null : lines.Count > 0 ? lines[0] : throw new InvalidDataException($"{path}: the file is empty.");
            var rows = (jsonl ? lines : lines.Skip(1)).Where(l => l.Length > 0).ToArray();
            var rng = new Tensors.Rng(parse.GetValue(seed));
            for (int i = rows.Length - 1; i > 0; i--)
            {
                int j = rng.Next(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }
            int held = (int)Math.Round(rows.Length * f);
            if (held == 0 || held == rows.Length) throw new UsageException($"--fraction {f} of {rows.Length} rows leaves one side empty.");
            Write(parse.GetValue(test)!, header, rows[..held]);
            Write(parse.GetValue(train)!, header, rows[held..]);
            Console.WriteLine($"{path}: {rows.Length - held} rows to {parse.GetValue(train)}, {held} to {parse.GetValue(test)} (seed {parse.GetValue(seed)}).");
            return 0;
        }));
        return command;
    }

    private static void Write(string path, string? header, string[] rows) => OutputFile.Write(path, writer =>
    {
        if (header is not null) writer.WriteLine(header);
        foreach (string row in rows) writer.WriteLine(row);
    });
}
