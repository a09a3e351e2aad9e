using System.Diagnostics;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Cli;

/// <summary>
/// A disk that fills up during a run: `charlm train` writes to a small tmpfs, in a mount namespace of its own, until a
/// checkpoint no longer fits. It must stop with one line, and the previous checkpoint must still load.
/// </summary>
public class DiskFullTests
{
    private const string Script = """
        set -u
        mount -t tmpfs -o size=2m tmpfs "$DISK" || { echo "no-mount"; exit 0; }
        # Measure one checkpoint of this model, then leave room for about two and a half of them.
        dotnet "$CLI" charlm train --corpus "$CORPUS" --steps 1 $MODEL --out "$DISK/probe" > /dev/null 2>&1
        size=$(stat -c %s "$DISK/probe/last.safetensors")
        rm -rf "$DISK/probe"
        avail=$(df --output=avail -B1 "$DISK" | tail -n 1)
        fallocate -l $((avail - size * 5 / 2)) "$DISK/filler" 2> /dev/null || head -c $((avail - size * 5 / 2)) /dev/zero > "$DISK/filler"
        dotnet "$CLI" charlm train --corpus "$CORPUS" --steps 50 --eval-steps 1 $MODEL --out "$DISK/run" > "$KEEP/stdout.txt" 2> "$KEEP/stderr.txt"
        echo "exit=$?"
        cp "$DISK/run/last.safetensors" "$KEEP/last.safetensors"
        ls -a "$DISK/run" > "$KEEP/files.txt"
        """;

    [SkippableFact]
    public void AFullDiskKeepsThePreviousCheckpointAndSaysSoInOneLine()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/bin/unshare"), "needs Linux and unshare to mount a small tmpfs privately");
        using var folder = new TemporaryFolder();
        Directory.CreateDirectory(folder.File("disk"));
        Directory.CreateDirectory(folder.File("keep"));
        File.WriteAllText(folder.File("corpus.txt"), string.Concat(Enumerable.Repeat("a full disk must not cost the last good checkpoint. ", 60)));
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-m", "--propagation", "private", "sh", "-c", Script }) start.ArgumentList.Add(arg);
        start.Environment["DISK"] = folder.File("disk");
        start.Environment["KEEP"] = folder.File("keep");
        start.Environment["CORPUS"] = folder.File("corpus.txt");
        start.Environment["CLI"] = Path.Combine(AppContext.BaseDirectory, "Recurrent.Cli.dll");
        start.Environment["MODEL"] = "--hidden 32 --layers 1 --embed 8 --sample-length 0";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "the disk-full run did not finish");
        Skip.If(stdout.Contains("no-mount", StringComparison.Ordinal) || process.ExitCode != 0 && stderr.Contains("unshare", StringComparison.Ordinal),
            $"cannot mount a private tmpfs here: {stderr.Trim()}");

        Assert.Contains("exit=1", stdout);
        string[] lines = File.ReadAllLines(folder.File("keep/stderr.txt")).Where(l => l.Trim().Length > 0).ToArray();
        Assert.True(lines.Length == 1, "expected one line on stderr:\n" + string.Join('\n', lines));
        Assert.StartsWith("recurrent: error: ", lines[0]);
        Assert.Contains("writing failed", lines[0]);
        Assert.Contains("No space left on device", lines[0]);
        Assert.Contains("is unchanged", lines[0]);
        Assert.DoesNotContain(File.ReadAllLines(folder.File("keep/files.txt")), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        // The checkpoint the full disk could not replace is whole and loads.
        Assert.IsType<CharLanguageModel<float>>(Model.Load(folder.File("keep/last.safetensors")));
        Assert.True(Checkpoint<float>.Load(folder.File("keep/last.safetensors")).Step >= 1);
    }
}
