using Recurrent.Tests.Serialization;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

/// <summary>Two runs on one --out: the second stops at once with one line, and writes nothing there.</summary>
public class RunLockTests
{
    [Fact]
    public void ASecondRunOnTheSameOutIsRefusedInOneLine()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllText(folder.File("corpus.txt"), string.Concat(Enumerable.Repeat("one run per output directory. ", 80)));
        string output = folder.File("run");
        // This process stands for the first run: it holds the directory's lock, as a running `charlm train` does.
        using (RunDirectoryLock.Acquire(output))
        {
            var result = CliProcess.Run(folder.Path, "charlm", "train", "--corpus", folder.File("corpus.txt"), "--steps", "2",
                "--hidden", "8", "--layers", "1", "--embed", "4", "--out", output);
            CliProcess.AssertOneLineError(result, "is in use by another training run");
            Assert.Equal([RunDirectoryLock.FileName], Directory.GetFiles(output).Select(Path.GetFileName));
        }
        // Once the first run is gone, the directory is free.
        var second = CliProcess.Run(folder.Path, "charlm", "train", "--corpus", folder.File("corpus.txt"), "--steps", "2",
            "--hidden", "8", "--layers", "1", "--embed", "4", "--sample-length", "0", "--out", output);
        Assert.True(second.ExitCode == 0, second.Stderr);
    }
}
