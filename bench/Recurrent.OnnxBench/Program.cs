using System.Globalization;
using Recurrent.OnnxBench;

// Recurrent's own inference against ONNX Runtime running the graph OnnxExporter writes for the same model and
// weights, alternately in one process, as `recurrent bench` measures (median of 7 runs after a warm-up):
//   dotnet run -c Release --project bench/Recurrent.OnnxBench -- rnn --cell lstm --batch 64 --steps 100 --input 256 --hidden 512
//   dotnet run -c Release --project bench/Recurrent.OnnxBench -- rnn --int8 --batch 64 --steps 100 --input 256 --hidden 512
//     (int8: Recurrent's Quantize()d LSTM, ONNX Runtime's DynamicQuantizeLSTM on the same int8 weights, ORT's float32 LSTM)
//   dotnet run -c Release --project bench/Recurrent.OnnxBench -- charlm [--model runs/charlm/best.safetensors]
// Options: --threads N (default 2: Recurrent's kernels and ORT's intra-op threads), --json (one JSON line per case).
try
{
    var options = BenchOptions.Parse(args);
    var lines = options.Verb switch
    {
        "rnn" => options.Text("--int8") is null ? RnnCase.Run(options) : Int8RnnCase.Run(options),
        "charlm" => CharLmCase.Run(options),
        _ => throw new ArgumentException($"unknown benchmark '{options.Verb}'; expected rnn or charlm."),
    };
    foreach (var line in lines) Console.WriteLine(line);
    return 0;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"onnx-bench: {e.Message}");
    return 2;
}

namespace Recurrent.OnnxBench
{
    /// <summary>The command line: a verb, then <c>--name value</c> pairs and flags.</summary>
    internal sealed class BenchOptions
    {
        private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

        public string Verb { get; private init; } = "";

        public bool Json => _values.ContainsKey("--json");

        public int Threads => Int("--threads", 2);

        public static BenchOptions Parse(string[] args)
        {
            if (args.Length == 0) throw new ArgumentException("expected a benchmark: rnn or charlm.");
            var options = new BenchOptions { Verb = args[0] };
            for (int i = 1; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"'{args[i]}' is not an option.");
                bool flag = i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal);
                options._values[args[i]] = flag ? "" : args[++i];
            }
            return options;
        }

        public string? Text(string name) => _values.TryGetValue(name, out string? v) ? v : null;

        public int Int(string name, int fallback)
        {
            if (!_values.TryGetValue(name, out string? text)) return fallback;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            {
                throw new ArgumentException($"{name} is '{text}'; expected a positive integer.");
            }
            return value;
        }
    }
}
