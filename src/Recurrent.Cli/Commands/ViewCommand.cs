using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Recurrent.View;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent view</c>: serves the web view (<see cref="ViewServer"/>) on 127.0.0.1 until Ctrl-C, printing its URL; or,
/// with <c>--search PATTERN --text-file F</c>, prints the units of <c>--model</c> that best track the pattern and exits.
/// </summary>
internal static class ViewCommand
{
    public static Command Create()
    {
        var runs = new Option<string>("--runs") { Description = "Folder of training runs (folders with a metrics.jsonl); its *.safetensors are offered as models.", DefaultValueFactory = _ => "runs" };
        var model = new Option<string?>("--model") { Description = "A char-LM model file to look inside (offered first)." };
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0: a free one).", DefaultValueFactory = _ => 5150 };
        var search = new Option<string?>("--search") { Description = "Print the units of --model that best track this pattern over --text-file and exit: " + string.Join(", ", UnitReport.Patterns) + "." };
        var textFile = new Option<string?>("--text-file") { Description = "The text --search reads (the first --max-chars characters)." };
        var fromEnd = new Option<double>("--tail") { Description = "With --search: read the last fraction of --text-file (0.1: the validation tenth that charlm train holds out); 0 reads from the start.", DefaultValueFactory = _ => 0 };
        var maxChars = new Option<int>("--max-chars") { Description = "Characters read at most per text.", DefaultValueFactory = _ => 2000 };
        var command = new Command("view", "Serve a local web view of training runs and of what a model's recurrent units do (127.0.0.1 only).")
        {
            runs, model, port, search, textFile, fromEnd, maxChars,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            int p = parse.GetValue(port), chars = parse.GetValue(maxChars);
            if (p is < 0 or > 65535) throw new UsageException($"--port must be from 0 to 65535; got {p}.");
            if (chars is < 2 or > 100_000) throw new UsageException($"--max-chars must be from 2 to 100,000; got {chars}.");
            if (string.IsNullOrWhiteSpace(parse.GetValue(runs))) throw new UsageException("--runs must name a folder.");
            var options = new ViewOptions(parse.GetValue(runs)!, parse.GetValue(model), p) { MaxInputChars = chars };
            if (parse.GetValue(search) is { } pattern)
            {
                return UnitReport.Print(options, pattern, parse.GetValue(textFile), parse.GetValue(fromEnd));
            }
            return Serve(options);
        }));
        return command;
    }

    private static int Serve(ViewOptions options)
    {
        var app = ViewServer.Build(options);
        try
        {
            try
            {
                app.StartAsync().GetAwaiter().GetResult();
            }
            catch (IOException e)
            {
                throw new UsageException($"--port {options.Port}: cannot listen on 127.0.0.1 ({e.Message}); choose another port, or 0 for a free one.");
            }
            string url = app.Urls.First();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Recurrent view on {url} (runs: {Path.GetFullPath(options.RunsDirectory)}{(options.ModelFile is null ? "" : ", model: " + options.ModelFile)}); Ctrl-C stops it."));
            // The host's console lifetime turns Ctrl-C (SIGINT) and SIGTERM into a graceful stop.
            app.WaitForShutdownAsync().GetAwaiter().GetResult();
            return 0;
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
