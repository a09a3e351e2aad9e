using System.IO.Compression;
using Recurrent.PyTorch;

namespace Recurrent.Tests.PyTorch;

/// <summary>
/// Damaged torch.save files, made from a real one: every truncation of its pickle and seeded random byte changes in
/// it. Each is either read or refused with a one-line <see cref="InvalidDataException"/> (or
/// <see cref="NotSupportedException"/>) naming the file; nothing else escapes, nothing hangs.
/// </summary>
public sealed class TorchArchiveFuzzTests
{
    [Fact]
    public void Every_truncation_of_the_pickle_is_refused_in_one_line()
    {
        var (pickle, storages) = Unpack(TorchFixture.Load("classifier_gru").PathOf("pt"));
        for (int n = 0; n < pickle.Length; n++)
        {
            var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(PickleBuilder.Archive(pickle[..n], storages), "cut.pt"));
            AssertOneLine(e, $"truncated at {n} bytes");
            Assert.True(e.Message.StartsWith("cut.pt: data.pkl: truncated", StringComparison.Ordinal), $"truncated at {n} bytes: {e.Message}");
        }
    }

    [Fact]
    public void Random_byte_changes_in_the_pickle_are_read_or_refused_in_one_line()
    {
        var (pickle, storages) = Unpack(TorchFixture.Load("classifier_gru").PathOf("pt"));
        var random = new Random(20261202);
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var damaged = (byte[])pickle.Clone();
            for (int k = 0, changes = 1 + random.Next(3); k < changes; k++) damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            try
            {
                PyTorchStateDict.Parse(PickleBuilder.Archive(damaged, storages), "fuzz.pt");
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                AssertOneLine(e, $"trial {trial}");
                refused++;
            }
        }
        Assert.True(refused > 1000, $"only {refused} of 2000 damaged pickles were refused");
    }

    private static void AssertOneLine(Exception e, string what)
    {
        Assert.True(e.Message.StartsWith("cut.pt: ", StringComparison.Ordinal) || e.Message.StartsWith("fuzz.pt: ", StringComparison.Ordinal), $"{what}: {e.Message}");
        Assert.False(e.Message.Contains('\n'), $"{what}: {e.Message}");
    }

    /// <summary>The pickle and the storages (by key) of a torch.save archive.</summary>
    private static (byte[] Pickle, (string Key, byte[] Bytes)[] Storages) Unpack(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        byte[] Read(ZipArchiveEntry entry)
        {
            using var stream = entry.Open();
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
        var pickle = Read(zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)));
        var storages = zip.Entries.Where(e => e.FullName.Contains("/data/", StringComparison.Ordinal))
            .Select(e => (e.Name, Read(e))).ToArray();
        return (pickle, storages);
    }
}
