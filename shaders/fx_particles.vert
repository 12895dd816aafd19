#version 330
// Instanced effect particles: one quad (corners p3d_Vertex.xy in [-1, 1]) drawn once per
// instance of u_instances, three texels each (see sandbox/view/effects.py):
//   0: (x, y, z, half-size m)   1: (r, g, b, alpha), linear   2: (kind, seed, param, spin rad)
// Kinds face the camera (u_cam_right / u_cam_up), FLAME keeps world up (a cylinder
// billboard, stretched by param), RING lies flat on the ground.
#include "fx_kinds.glsl"
uniform mat4 p3d_ViewMatrix;
uniform mat4 p3d_ProjectionMatrix;
uniform samplerBuffer u_instances;
uniform vec3 u_cam_right;
uniform vec3 u_cam_up;

in vec4 p3d_Vertex;

out vec2 v_uv;
out vec4 v_color;
flat out vec4 v_info;   // kind, seed, param, size
out vec3 v_world;
out float v_dist;

void main() {
    vec4 a = texelFetch(u_instances, gl_InstanceID * 3);
    vec4 col = texelFetch(u_instances, gl_InstanceID * 3 + 1);
    vec4 b = texelFetch(u_instances, gl_InstanceID * 3 + 2);
    int kind = int(b.x + 0.5);
    float c = cos(b.w), s = sin(b.w);
    vec2 q = p3d_Vertex.xy;
    vec2 r = vec2(c * q.x - s * q.y, s * q.x + c * q.y);
    vec3 world;
    if (kind == FX_RING) {
        world = a.xyz + vec3(q * a.w, 0.0);
    } else if (kind == FX_FLAME) {
        vec3 side = normalize(vec3(u_cam_right.xy, 0.0) + vec3(1e-5, 0.0, 0.0));
        world = a.xyz + side * q.x * a.w + vec3(0.0, 0.0, (q.y + 1.0) * a.w * b.z);
    } else {
        world = a.xyz + (u_cam_right * r.x + u_cam_up * r.y) * a.w;
    }
    vec4 view = p3d_ViewMatrix * vec4(world, 1.0);
    gl_Position = p3d_ProjectionMatrix * view;
    v_uv = q;
    v_color = col;
    v_info = vec4(b.xyz, a.w);
    v_world = world;
    v_dist = length(view.xyz);
}
