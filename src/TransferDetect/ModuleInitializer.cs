#if NETSTANDARD2_0
using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using TransferDetect.Engine.Hosting;

namespace TransferDetect.Commands;

/// <summary>
/// Windows PowerShell 5.1 (this netstandard2.0 build): resolves the module's dependencies from its own
/// folder when .NET Framework's exact-version binding fails (see <see cref="ModuleDependencies"/>).
/// PowerShell 7 loads the net8.0 build, isolated in its own load context instead (ModuleLoadContext.cs).
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static readonly string Directory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? "";
    private static bool _registered;

    [ThreadStatic]
    private static bool _resolving;

    public void OnImport()
    {
        if (_registered) return;
        _registered = true;
        AppDomain.CurrentDomain.AssemblyResolve += Resolve;
    }

    private static Assembly? Resolve(object? sender, ResolveEventArgs args)
    {
        // The resolver lives in TransferDetect.Engine: should binding the engine itself come here, do not recurse.
        if (_resolving) return null;
        _resolving = true;
        try
        {
            string? path = ModuleDependencies.PathFor(Directory, args.Name);
            return path == null ? null : Assembly.LoadFrom(path);
        }
        finally
        {
            _resolving = false;
        }
    }
}
#endif
