namespace Recurrent.Tests.Cli;

/// <summary>
/// The model-file cases of the bad-input corpus (<see cref="BadInputCorpusTests"/>): damaged and foreign model files
/// fed to <c>charlm sample</c>, <c>charlm eval</c> and <c>charlm train --resume</c>. A class of their own so that
/// xunit runs them beside the other cases: each is a process start, mostly waiting.
/// </summary>
public sealed class BadModelFileTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    public static TheoryData<string> Cases() => new(BadInputCorpusTests.Table.Keys.Where(BadInputCorpusTests.IsModelFileCase));

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsRefusedInOneLineAndChangesNoFile(string name) => BadInputCorpusTests.Check(BadInputCorpusTests.Table[name], fixture);
}
