namespace Recurrent.View;

/// <summary>A request the view cannot answer, with the HTTP status (4xx) and a one-line message the page shows.</summary>
internal sealed class ViewException(int status, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The HTTP status: 400 a bad request, 404 a run or model that is not there, 413 too large, 422 a file that cannot be read.</summary>
    public int Status { get; } = status;
}
