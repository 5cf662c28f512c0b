#if NET8_0_OR_GREATER
using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace TransferDetect.Commands;

/// <summary>
/// PowerShell 7 (this net8.0 build): the engine and every SDK it uses (AWSSDK.*, Azure.*, Microsoft.Graph,
/// Kiota, System.Text.Json, ...) load into one module-owned <see cref="AssemblyLoadContext"/> from
/// <c>bin/net8.0/dependencies/</c>, so another module's Azure.Core or System.Text.Json in the default context
/// neither breaks this module nor is broken by it. Only this thin assembly lives in the default context.
/// </summary>
/// <remarks>
/// The dependencies must not sit beside TransferDetect.dll: PowerShell loads a module assembly with
/// <c>Assembly.LoadFrom</c>, whose resolver finds a missing reference in the same folder and would put the
/// engine and the SDKs into the default context. The default context's <c>Resolving</c> event hands out
/// <c>TransferDetect.Engine</c> only (the cmdlets' references to ShareEvent, Finding, ... bind to the one copy
/// in the module context); everything the engine references then resolves inside the module context.
/// When a host already has the engine in its default context (the Host, the hosted tests), the event is
/// never raised and the module uses that copy.
/// </remarks>
public sealed class ModuleAssemblyIsolation : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    internal const string EngineAssemblyName = "TransferDetect.Engine";

    private static readonly string DependencyDirectory = Path.Combine(
        Path.GetDirectoryName(typeof(ModuleAssemblyIsolation).Assembly.Location) ?? "", "dependencies");

    private static readonly object Gate = new();
    private static ModuleLoadContext? _context;
    private static bool _hooked;

    public void OnImport()
    {
        lock (Gate)
        {
            if (_hooked) return;
            _context ??= new ModuleLoadContext(DependencyDirectory);
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
            _hooked = true;
            AddEngineTypeNames();
        }
    }

    /// <summary>
    /// PowerShell resolves a type name in a script (<c>[TransferDetect.Engine.Model.IncidentStage]::Used</c>) only
    /// among the default context's assemblies. When the engine lives in the module's context, its public types are
    /// added as type accelerators under their full names, so scripts name them as before.
    /// </summary>
    private static void AddEngineTypeNames()
    {
        // The engine as the cmdlets bind it (through ResolveEngine, or wherever a host already has it).
        Assembly engine = typeof(TransferDetect.Engine.Hosting.IScanHost).Assembly;
        if (AssemblyLoadContext.GetLoadContext(engine) == AssemblyLoadContext.Default) return;
        Type? accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
        MethodInfo? add = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string), typeof(Type) }, null);
        PropertyInfo? get = accelerators?.GetProperty("Get", BindingFlags.Public | BindingFlags.Static);
        if (add == null || get?.GetValue(null) is not System.Collections.Generic.Dictionary<string, Type> existing) return;
        foreach (Type type in engine.GetExportedTypes())
        {
            if (type.FullName is { } name && !existing.ContainsKey(name)) add.Invoke(null, new object[] { name, type });
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        // The context stays (it is not collectible, and assemblies loaded once cannot be unloaded); a second
        // import hooks again and gets the same engine.
        lock (Gate)
        {
            if (!_hooked) return;
            AssemblyLoadContext.Default.Resolving -= ResolveEngine;
            _hooked = false;
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (!string.Equals(name.Name, EngineAssemblyName, StringComparison.Ordinal) || _context == null) return null;
        // By path: by name, a missing file would fall back to the default context, which raises this event again.
        string path = Path.Combine(DependencyDirectory, EngineAssemblyName + ".dll");
        return File.Exists(path) ? _context.LoadFromAssemblyPath(path) : null;
    }
}

/// <summary>The module's own load context: an assembly comes from <c>dependencies/</c> when a file of its simple
/// name is there, otherwise (the framework, System.Management.Automation) from the default context.</summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _directory;

    public ModuleLoadContext(string directory) : base("TransferDetect", isCollectible: false) => _directory = directory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string? name = assemblyName.Name;
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains("..", StringComparison.Ordinal)) return null;
        string? path = WindowsBuild(name);
        if (path == null)
        {
            path = Path.Combine(_directory, name + ".dll");
            if (!File.Exists(path)) return null;
        }
        return LoadFromAssemblyPath(path);
    }

    /// <summary>On Windows, a package's Windows-specific build (runtimes/win/lib/&lt;tfm&gt;/, e.g. MSAL's
    /// System.Security.Cryptography.ProtectedData) rather than its portable one.</summary>
    private string? WindowsBuild(string name)
    {
        if (!OperatingSystem.IsWindows()) return null;
        string root = Path.Combine(_directory, "runtimes", "win", "lib");
        if (!Directory.Exists(root)) return null;
        foreach (string tfm in Directory.GetDirectories(root))
        {
            string path = Path.Combine(tfm, name + ".dll");
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
#endif
