using System;
using System.IO;
using System.Reflection;

namespace TransferDetect.Engine.Hosting;

/// <summary>
/// Where the module's own copy of a dependency is, for Windows PowerShell 5.1: .NET Framework binds
/// by exact version, and the netstandard2.0 dependencies (System.Text.Json and its System.Memory,
/// System.Runtime.CompilerServices.Unsafe, ...) ask for versions that differ from one another, which
/// only binding redirects would reconcile, and PowerShell gives a module none. When binding fails, the
/// module's AssemblyResolve handler asks here and loads the copy that shipped beside it.
/// </summary>
public static class ModuleDependencies
{
    /// <summary>The path of the named assembly in <paramref name="directory"/>, or null when it is not there
    /// (or is a satellite resource assembly, which .NET probes for and falls back from by itself).</summary>
    public static string? PathFor(string directory, string requestedAssembly)
    {
        if (string.IsNullOrEmpty(directory) || string.IsNullOrEmpty(requestedAssembly)) return null;
        string? name;
        try
        {
            name = new AssemblyName(requestedAssembly).Name;
        }
        catch (Exception e) when (e is ArgumentException || e is FileLoadException)
        {
            return null;
        }
        if (string.IsNullOrEmpty(name) || name!.EndsWith(".resources", StringComparison.OrdinalIgnoreCase)) return null;
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..")) return null;
        string path = Path.Combine(directory, name + ".dll");
        return File.Exists(path) ? path : null;
    }
}
