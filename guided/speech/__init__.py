"""Speech: engines that turn text into PCM, and the cached ``Speaker`` the rest of
the program uses. See ``guided.speech.base`` for the interfaces."""
