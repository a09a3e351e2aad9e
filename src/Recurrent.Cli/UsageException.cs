namespace Recurrent.Cli;

/// <summary>A problem with what the user asked for; the CLI prints its message as one line and exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
