namespace Recurrent.Tests.Oracles;

/// <summary>
/// Finds the oracle folder: <c>RECURRENT_ORACLES</c> if set (a relative path is taken from the repository root),
/// else <c>../shared/oracles</c> beside the repository.
/// </summary>
public static class OracleFolder
{
    public const string Variable = "RECURRENT_ORACLES";

    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Recurrent.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException($"Recurrent.sln not found above {AppContext.BaseDirectory}.");
        }
    }

    public static string Location
        => Path.GetFullPath(Path.Combine(RepositoryRoot, Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } v ? v : "../shared/oracles"));

    /// <summary>Every case file (<c>*.json</c>, any depth), relative to the folder, sorted.</summary>
    public static IReadOnlyList<string> CaseFiles()
    {
        string root = Location;
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
    }
}
