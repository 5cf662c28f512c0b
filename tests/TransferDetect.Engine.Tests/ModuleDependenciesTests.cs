using TransferDetect.Engine.Hosting;
using TransferDetect.Tests;
using Xunit;

namespace TransferDetect.Engine.Tests;

public class ModuleDependenciesTests
{
    [Fact]
    public void Any_version_of_a_shipped_dependency_resolves_to_the_module_copy()
    {
        string dir = RepoPaths.NewTempDirectory();
        File.WriteAllBytes(Path.Combine(dir, "System.Runtime.CompilerServices.Unsafe.dll"), new byte[] { 0 });
        Assert.Equal(Path.Combine(dir, "System.Runtime.CompilerServices.Unsafe.dll"),
            ModuleDependencies.PathFor(dir, "System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"));
        Assert.Equal(Path.Combine(dir, "System.Runtime.CompilerServices.Unsafe.dll"),
            ModuleDependencies.PathFor(dir, "System.Runtime.CompilerServices.Unsafe, Version=6.0.3.0, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a"));
    }

    [Theory]
    [InlineData("Some.Other.Library, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")]
    [InlineData("System.Text.Json.resources, Version=10.0.0.0, Culture=de, PublicKeyToken=cc7b13ffcd2ddd51")]
    [InlineData("not a valid, assembly = name, ,")]
    [InlineData("")]
    public void Assemblies_the_module_does_not_ship_are_left_to_the_runtime(string requested)
    {
        string dir = RepoPaths.NewTempDirectory();
        File.WriteAllBytes(Path.Combine(dir, "System.Text.Json.resources.dll"), new byte[] { 0 });
        Assert.Null(ModuleDependencies.PathFor(dir, requested));
    }
}
