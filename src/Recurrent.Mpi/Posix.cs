using System.Runtime.InteropServices;

namespace Recurrent.Mpi;

/// <summary>
/// The two C-library calls the binding needs besides MPI: <c>dlopen</c> with <c>RTLD_GLOBAL</c> (glibc ≥ 2.34 has it in
/// libc, older ones in libdl) and <c>setenv</c> (.NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// changes only the runtime's copy of the environment on Unix, which MPI_Init does not read).
/// </summary>
internal static unsafe class Posix
{
    private static readonly nint Libc = NativeLibrary.Load("libc.so.6");

    /// <summary>Opens <paramref name="file"/> with <paramref name="flags"/>; false with dlerror's text when it cannot.</summary>
    public static bool DlopenGlobal(string file, int flags, out string? error)
    {
        nint library = NativeLibrary.TryGetExport(Libc, "dlopen", out _) ? Libc : NativeLibrary.Load("libdl.so.2");
        nint open = NativeLibrary.GetExport(library, "dlopen"), err = NativeLibrary.GetExport(library, "dlerror");
        nint name = Marshal.StringToCoTaskMemUTF8(file);
        try
        {
            nint handle = ((delegate* unmanaged<nint, int, nint>)open)(name, flags);
            error = handle == 0 ? Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)err)()) ?? "dlopen failed" : null;
            return handle != 0;
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    /// <summary>Sets <paramref name="name"/> in the process's C environment (and .NET's) unless it is set already.</summary>
    public static void SetDefault(string name, string value)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name))) return;
        Environment.SetEnvironmentVariable(name, value);
        nint n = Marshal.StringToCoTaskMemUTF8(name), v = Marshal.StringToCoTaskMemUTF8(value);
        try
        {
            ((delegate* unmanaged<nint, nint, int, int>)NativeLibrary.GetExport(Libc, "setenv"))(n, v, 0);
        }
        finally
        {
            Marshal.FreeCoTaskMem(n);
            Marshal.FreeCoTaskMem(v);
        }
    }
}
