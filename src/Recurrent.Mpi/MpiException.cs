namespace Recurrent.Mpi;

/// <summary>An MPI call that returned an error code (the communicator is set to MPI_ERRORS_RETURN), with MPI_Error_string's text.</summary>
public sealed class MpiException : Exception
{
    /// <summary>An MPI error with its code and one-line message.</summary>
    public MpiException(int errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The code the MPI call returned.</summary>
    public int ErrorCode { get; }
}
