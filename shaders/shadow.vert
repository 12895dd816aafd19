#version 330
// Depth-only pass for the sun's shadow camera (world parts; INSTANCED for trees).
uniform mat4 p3d_ModelViewProjectionMatrix;
uniform mat4 p3d_ViewProjectionMatrix;
in vec4 p3d_Vertex;
#ifdef INSTANCED
uniform samplerBuffer u_instances;
#endif
void main() {
#ifdef INSTANCED
    vec4 a = texelFetch(u_instances, gl_InstanceID * 2);
    vec4 b = texelFetch(u_instances, gl_InstanceID * 2 + 1);
    float c = cos(b.x), s = sin(b.x);
    vec3 p = p3d_Vertex.xyz * a.w;
    vec4 world = vec4(a.x + c * p.x - s * p.y, a.y + s * p.x + c * p.y, a.z + p.z, 1.0);
    gl_Position = p3d_ViewProjectionMatrix * world;
#else
    gl_Position = p3d_ModelViewProjectionMatrix * p3d_Vertex;
#endif
}
