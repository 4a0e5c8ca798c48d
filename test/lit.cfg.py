# lit configuration for coast's tests.
#
# Substitutions:
#   %clang        the clang the plugin is built for, without the plugin
#   %coast        that clang with the plugin loaded and coast.h on the path
#                 (and -fplugin-arg-coast-nested-parse under
#                 `--param coast_nested_parse=1`)
#   %plain        that clang without the plugin, coast.h on the path
#   %gcc          gcc, coast.h on the path
#   %coast-libs   libcoast and its system libraries, for linking
#   %coast-shared libcoast.so
#   %coast-static libcoast.a
#   %coast-plugin the plugin's path
#   %coast-check  the coast-check tool
#   %after-reader a test plugin whose consumer reads the AST after CodeGen's
#   %clang-tidy   clang-tidy of the same LLVM with coast's module loaded
#                 (feature `clang-tidy`: when both exist)
#   %coast-tidy   the module's path
#   %coast-equiv  builds %s with and without the plugin, runs both, fails if
#                 their output differs, prints it
import os

import lit.formats

config.name = "coast"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.coast_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.coast_llvm_bin, config.environment.get("PATH", os.environ["PATH"])]
)
for var in ("HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

clang = os.path.join(config.coast_llvm_bin, "clang")
inc = "-I" + config.coast_include
libs = config.coast_libcoast + " -lpthread"
if config.coast_sanitize:
    # Programs under test are sanitized too, lowered code included.
    inc += " -g -fsanitize=" + config.coast_sanitize
    libs += " -fsanitize=" + config.coast_sanitize

coast = "%s -fplugin=%s %s" % (clang, config.coast_plugin, inc)
# `--param coast_nested_parse=1`: every compile through the plugin lowers
# in a nested parse, the fallback of the single one (plugin/SingleParse.h);
# the feature lets a test say what differs.
if lit_config.params.get("coast_nested_parse", "0") != "0":
    coast += " -fplugin-arg-coast-nested-parse"
    config.available_features.add("nested-parse")
plain = "%s %s" % (clang, inc)
config.substitutions.append(
    ("%coast-equiv", "sh %s/test/tools/equiv.sh %%s %%t '%s' '%s' '%s'"
     % (config.coast_src_root, coast, plain, libs)))
config.substitutions.append(("%coast-plugin", config.coast_plugin))
config.substitutions.append(("%coast-check", config.coast_check))
config.substitutions.append(("%after-reader", config.coast_after_reader))
# clang-tidy only sees the checks of a module built for its own LLVM major.
tidy = os.path.join(config.coast_llvm_bin, "clang-tidy")
if config.coast_tidy and os.access(tidy, os.X_OK):
    config.available_features.add("clang-tidy")
    config.substitutions.append(("%coast-tidy", config.coast_tidy))
    # Before %clang, which lit would otherwise substitute into it.
    config.substitutions.insert(
        0, ("%clang-tidy", "%s --load=%s" % (tidy, config.coast_tidy)))
config.substitutions.append(("%plain", plain))
config.substitutions.append(("%gcc", "gcc " + inc))
config.substitutions.append(("%clang", clang))
config.substitutions.append(("%coast-libs", libs))
config.substitutions.append(("%coast-shared", config.coast_libcoast_shared))
config.substitutions.append(("%coast-static", config.coast_libcoast))
config.substitutions.append(("%coast-runtime-tests", config.coast_runtime_tests))
config.substitutions.append(("%coast-src", config.coast_src_root))
# After every longer %coast-... name, which lit would otherwise cut short.
config.substitutions.append(("%coast", coast))

config.available_features.add("clang-" + config.coast_llvm_version)
if config.coast_plugin:
    config.available_features.add("plugin")
if config.coast_sanitize:
    config.available_features.add("sanitize-" + config.coast_sanitize)
if any(os.access(os.path.join(d, "gdb"), os.X_OK)
       for d in os.environ["PATH"].split(os.pathsep)):
    config.available_features.add("gdb")
