# Warning and sanitizer flags for labtwin's own targets (never for third-party code).
add_library(labtwin_options INTERFACE)
target_compile_options(labtwin_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wnull-dereference)
if(LABTWIN_WERROR)
  target_compile_options(labtwin_options INTERFACE -Werror)
endif()
if(LABTWIN_SANITIZE)
  target_compile_options(labtwin_options INTERFACE -fsanitize=address,undefined
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(labtwin_options INTERFACE -fsanitize=address,undefined)
endif()
if(LABTWIN_SANITIZE_THREAD)
  # GCC 12's -Wnull-dereference misfires on TSan-instrumented std::string copies at -O1.
  target_compile_options(labtwin_options INTERFACE -fsanitize=thread -fno-omit-frame-pointer
                         -Wno-null-dereference)
  target_link_options(labtwin_options INTERFACE -fsanitize=thread)
endif()

# labtwin_layer(NAME DIR) -- one library per layer: public headers in DIR/include,
# sources globbed from DIR/src so that each concept is one header + one source.
function(labtwin_layer name dir)
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${dir}/src/*.cpp)
  add_library(${name} STATIC ${_srcs})
  target_include_directories(${name} PUBLIC ${dir}/include PRIVATE ${dir}/src)
  target_link_libraries(${name} PRIVATE labtwin_options)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()
