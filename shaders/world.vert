#version 330
// World parts (school, gym, terrain, city...) and, with INSTANCED, the tree template
// drawn once per row of u_instances: texel 2i = (x, y, z, scale), texel 2i+1 = (heading, 0, 0, 0).
// The meshes are flat-shaded (each face has its own vertices, vertex normal = face
// normal), so whatever depends only on the face and the vertex's colour is the same at
// every pixel of the face: linear albedo, ambient and the sun's direct term are worked
// out here and handed on `flat` (no interpolation to set up per triangle), for the side
// of the face that looks at the eye (the side a plane shows is the same at all its
// points, so one vertex decides it). SMOOTH (the terrain: shared vertices, smooth
// normals, seen from above, culled) interpolates them and takes the front side. The
// shadow map coordinates (the sun's map of the world, the moving casters' map) vary over
// the face (the lenses are orthographic, so they are affine in position and interpolate
// exactly). On a software rasteriser every
// interpolated output costs set-up work per triangle and per pixel, so there are few.
// Fog stays per pixel: faces of the city and terrain run for hundreds of metres, over
// which it is far from linear. GLASS (panes, with BURNT) also hands on the model
// position for the pattern of broken panes.
#include "common.glsl"
#ifndef FX_LIGHTS
#define FX_LIGHTS 0
#endif
#ifdef SMOOTH
#define FACE
#else
#define FACE flat
#endif

uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ModelViewMatrix;
uniform mat4 p3d_ModelMatrix;
uniform mat4 p3d_ViewMatrix;
uniform mat4 p3d_ProjectionMatrix;
uniform mat3 p3d_NormalMatrix;
#ifndef NO_SUN_SHADOW
#include "shadows.glsl"
#endif

in vec4 p3d_Vertex;
in vec3 p3d_Normal;
in vec4 p3d_Color;

#ifdef INSTANCED
uniform samplerBuffer u_instances;
uniform float u_time;
#endif

FACE out vec4 v_albedo;    // linear albedo; vertex alpha (< 0.98: window glass; actors: coverage)
FACE out vec4 v_light;     // hemisphere ambient (rgb) and the sun's direct factor 0..1 (a)
out vec3 v_view_pos;
#ifndef NO_SUN_SHADOW
out vec3 v_shadow;         // the sun's shadow map coordinate (x, y, depth)
#ifdef CASTERS
out vec3 v_cast;           // the moving casters' map's
#endif
#endif
#if defined(BURNT) || FX_LIGHTS > 0
FACE out vec3 v_world_normal;  // of the side seen
out vec3 v_world_pos;
#endif
#ifdef GLASS
out vec3 v_model_pos;
#endif

void main() {
    vec4 world;
    vec3 nworld;
    vec3 view_pos;
    vec3 view_normal;
#ifdef INSTANCED
    vec4 a = texelFetch(u_instances, gl_InstanceID * 2);
    vec4 b = texelFetch(u_instances, gl_InstanceID * 2 + 1);
    float c = cos(b.x), s = sin(b.x);
    vec3 p = p3d_Vertex.xyz * a.w;
    // a gentle sway, stronger higher up the tree
    float sway = 0.04 * sin(u_time * 1.3 + a.x * 0.37 + a.y * 0.23) * max(p.z, 0.0);
    p.x += sway;
    world = vec4(a.x + c * p.x - s * p.y, a.y + s * p.x + c * p.y, a.z + p.z, 1.0);
    nworld = vec3(c * p3d_Normal.x - s * p3d_Normal.y, s * p3d_Normal.x + c * p3d_Normal.y, p3d_Normal.z);
    vec4 view = p3d_ViewMatrix * world;
    gl_Position = p3d_ProjectionMatrix * view;
    view_pos = view.xyz;
    view_normal = mat3(p3d_ViewMatrix) * nworld;
#else
    world = p3d_ModelMatrix * p3d_Vertex;
    nworld = mat3(p3d_ModelMatrix) * p3d_Normal;
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
    view_pos = (p3d_ModelViewMatrix * p3d_Vertex).xyz;
    view_normal = p3d_NormalMatrix * p3d_Normal;
#endif
    nworld = normalize(nworld);
    view_normal = normalize(view_normal);
#ifndef SMOOTH
    if (dot(view_normal, view_pos) > 0.0) {  // the eye is behind the face's plane
        nworld = -nworld;
        view_normal = -view_normal;
    }
#endif
    float ndl = clamp(dot(nworld, u_sun_dir), 0.0, 1.0);
    float direct = ndl * smoothstep(-0.02, 0.05, u_sun_dir.z);  // sun below the horizon: none
    v_albedo = vec4(srgb_to_linear(p3d_Color.rgb), p3d_Color.a);
    v_light = vec4(hemisphere(nworld), direct);
    v_view_pos = view_pos;
#ifndef NO_SUN_SHADOW
    // normal offset against acne, larger at grazing angles
    vec4 offset = vec4(view_pos + view_normal * (0.06 + 0.18 * (1.0 - ndl)), 1.0);
    v_shadow = (p3d_LightSource[0].shadowViewMatrix * offset).xyz;  // orthographic: w = 1
#ifdef CASTERS
    v_cast = (p3d_LightSource[1].shadowViewMatrix * offset).xyz;
#endif
#endif
#if defined(BURNT) || FX_LIGHTS > 0
    v_world_normal = nworld;
    v_world_pos = world.xyz;
#endif
#ifdef GLASS
    v_model_pos = p3d_Vertex.xyz;
#endif
}
