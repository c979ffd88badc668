# crictl info answers only through containerd's CRI plugin; when it does not, ctr tells the plugin's state.
bake_cri_answers() { bake_quiet crictl info || { ctr plugins ls | grep -w cri; return 1; }; }
